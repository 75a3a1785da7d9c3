"""Plausible wrong answers for Chapter 6's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-challenges

    # ---------------------------------------------------------------- 02-lightweight-models

    # ---------------------------------------------------------------- 03-reinforcement-learning

    # ---------------------------------------------------------------- 04-cross-modal-ethics-safety

    # ---------------------------------------------------------------- 05-tools-frameworks
    'tools-predict': [
        ("the export's outcome in other words than the offered ones", '''
PREDICTION = {"traced": [0.0, 0.0, 2.5], "export": "error", "compiled": [1.0, 2.0, -2.5]}
'''),
        ("the traced output as a tensor, which is computed, not predicted", '''
PREDICTION = {"traced": torch.tensor([0.0, 0.0, 2.5]), "export": "raises an error", "compiled": [1.0, 2.0, -2.5]}
'''),
        ("a key missing", '''
PREDICTION = {"traced": [0.0, 0.0, 2.5], "export": "raises an error"}
'''),
    ],
    'tools-deploy': [
        ("exported in training mode: the exporter warns", '''
def deploy(model, example, path):
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.detach().cpu().numpy()})[0])
'''),
        ("eval mode for the export, and the model left in it", '''
def deploy(model, example, path):
    model.eval()
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.detach().cpu().numpy()})[0])
'''),
        ("the batch size of the example baked into the graph", '''
def deploy(model, example, path):
    was_training = model.training
    model.eval()
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False)
    model.train(was_training)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.detach().cpu().numpy()})[0])
'''),
        ("x.numpy() on a tensor that requires gradients", '''
def deploy(model, example, path):
    was_training = model.training
    model.eval()
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    model.train(was_training)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.numpy()})[0])
'''),
    ],

    # ---------------------------------------------------------------- 06-outlook

}
