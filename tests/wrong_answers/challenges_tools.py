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
    'outlook-flops': [
        ("the rule 6 N B for every layer: the first layer's input gradient counted", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    if len(sizes) < 2 or min(sizes) < 1 or batch < 1:
        raise ValueError("bad sizes")
    return sum(6 * batch * m * n for m, n in zip(sizes[:-1], sizes[1:]))
'''),
        ("a multiply-add counted as one operation", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    if len(sizes) < 2 or min(sizes) < 1 or batch < 1:
        raise ValueError("bad sizes")
    total = 0
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += (3 if i > 0 or input_requires_grad else 2) * batch * m * n
    return total
'''),
        ("input_requires_grad ignored", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    if len(sizes) < 2 or min(sizes) < 1 or batch < 1:
        raise ValueError("bad sizes")
    total = 0
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += (6 if i > 0 else 4) * batch * m * n
    return total
'''),
        ("no check of the widths", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    total = 0
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += (6 if i > 0 or input_requires_grad else 4) * batch * m * n
    return total
'''),
    ],
    'outlook-energy': [
        ("the estimate as a string with units", '''
PREDICTION = {"training_flops": "1 GFLOP", "larger": "one GPT-3 token"}
'''),
        ("the comparison answered with a name not offered", '''
PREDICTION = {"training_flops": 1.0e9, "larger": "GPT-3"}
'''),
        ("an impossible estimate of zero operations", '''
PREDICTION = {"training_flops": 0, "larger": "the CNN's training"}
'''),
    ],

}
