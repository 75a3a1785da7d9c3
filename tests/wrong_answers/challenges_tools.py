"""Plausible wrong answers for Chapter 6's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-challenges
    'challenges-predict': [
        ("the accuracies as percentages", '''
PREDICTION = {"disagree": 0, "no_frame": 52}
'''),
        ("an accuracy in words", '''
PREDICTION = {"disagree": "zero", "no_frame": 0.5}
'''),
        ("a key missing", '''
PREDICTION = {"disagree": 0.0}
'''),
    ],
    'challenges-ig': [
        ("the left rule alpha_k = k / m for k = 0..m-1 instead of the midpoint rule", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    if steps < 1:
        raise ValueError("steps must be at least 1")
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target).expand(x.shape[0])
    total = torch.zeros_like(x)
    for k in range(steps):
        point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point).gather(1, target[:, None]).sum(), point)[0]
    return (x - baseline) * total / steps
'''),
        ("the averaged gradient returned without the factor (x - x')", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    if steps < 1:
        raise ValueError("steps must be at least 1")
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target).expand(x.shape[0])
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + (k - 0.5) / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point).gather(1, target[:, None]).sum(), point)[0]
    return total / steps
'''),
        ("the scores indexed as out[:, target]: every example's score for every target", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    if steps < 1:
        raise ValueError("steps must be at least 1")
    baseline = baseline.expand_as(x).to(x.dtype)
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + (k - 0.5) / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point)[:, target].sum(), point)[0]
    return (x - baseline) * total / steps
'''),
        ("no check of steps: 0 steps divides by zero and returns nan", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target).expand(x.shape[0])
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + (k - 0.5) / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point).gather(1, target[:, None]).sum(), point)[0]
    return (x - baseline) * total / steps
'''),
    ],

    # ---------------------------------------------------------------- 02-lightweight-models

    # ---------------------------------------------------------------- 03-reinforcement-learning

    # ---------------------------------------------------------------- 04-cross-modal-ethics-safety

    # ---------------------------------------------------------------- 05-tools-frameworks

    # ---------------------------------------------------------------- 06-outlook

}
