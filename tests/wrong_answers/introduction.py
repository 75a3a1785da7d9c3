"""Plausible wrong answers for this chapter's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-what-is-deep-learning
    'deep-features': [
        ("returns only the new feature, shape (N, 1), instead of appending it", '''
def radius_features(X):
    if X.dim() != 2 or X.shape[1] != 2:
        raise ValueError(f"expected (N, 2), got {tuple(X.shape)}")
    return (X ** 2).sum(dim=1, keepdim=True)
'''),
        ("appends the radius (with a square root) instead of its square", '''
def radius_features(X):
    if X.dim() != 2 or X.shape[1] != 2:
        raise ValueError(f"expected (N, 2), got {tuple(X.shape)}")
    return torch.cat([X, (X ** 2).sum(dim=1, keepdim=True).sqrt()], dim=1)
'''),
        ("no shape check: a (N, 3) input gives a (N, 4) result instead of a ValueError", '''
def radius_features(X):
    return torch.cat([X, (X ** 2).sum(dim=1, keepdim=True)], dim=1)
'''),
        ("converts to float32 on the way", '''
def radius_features(X):
    if X.dim() != 2 or X.shape[1] != 2:
        raise ValueError(f"expected (N, 2), got {tuple(X.shape)}")
    X = X.float()
    return torch.cat([X, (X ** 2).sum(dim=1, keepdim=True)], dim=1)
'''),
        ("only the 1-D case is rejected: checks the number of dimensions, not the number of columns", '''
def radius_features(X):
    if X.dim() != 2:
        raise ValueError(f"expected (N, 2), got {tuple(X.shape)}")
    return torch.cat([X[:, :2], (X[:, :2] ** 2).sum(dim=1, keepdim=True)], dim=1)
'''),
    ],
    'deep-predict': [
        ("answers in its own words, not with an offered string", '''
predictions = {"linear": "about 50 %", "features": "above 90 %", "hidden": "above 90 %"}
'''),
        ("gives accuracies as numbers", '''
predictions = {"linear": 0.5, "features": 0.99, "hidden": 0.99}
'''),
        ("leaves out the hidden-layer question", '''
predictions = {"linear": "below 70 %", "features": "above 90 %"}
'''),
    ],
    # ---------------------------------------------------------------- 02-pytorch-preliminaries
    'pytorch-predict': [
        ("writes the shapes as lists, as printed by .tolist()", '''
predictions = {"a": [3, 4], "b": [2, 3, 4], "c": [5, 5], "d": "error", "e": [8, 7, 6], "f": [4, 2]}
'''),
        ("writes a shape as torch.Size, computed rather than predicted", '''
predictions = {"a": torch.Size([3, 4]), "b": (2, 3, 4), "c": (5, 5), "d": "error", "e": (8, 7, 6), "f": (4, 2)}
'''),
        ("marks an error with None instead of the string 'error'", '''
predictions = {"a": (3, 4), "b": (2, 3, 4), "c": (5, 5), "d": None, "e": (8, 7, 6), "f": (4, 2)}
'''),
        ("leaves out the matrix product", '''
predictions = {"a": (3, 4), "b": (2, 3, 4), "c": (5, 5), "d": "error", "e": (8, 7, 6)}
'''),
    ],
    'pytorch-pairwise': [
        ("takes the square root: distances instead of squared distances", '''
def pairwise_sq_dists(X1, X2):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N1, D) and X2 (N2, D)")
    return ((X1[:, None, :] - X2[None, :, :]) ** 2).sum(dim=2).sqrt()
'''),
        ("sums over the wrong dimension: a (N1, D) result", '''
def pairwise_sq_dists(X1, X2):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N1, D) and X2 (N2, D)")
    return ((X1[:, None, :] - X2[None, :, :]) ** 2).sum(dim=1)
'''),
        ("subtracts row by row, without the size-1 dimensions: only works when N1 == N2, and gives (N,)", '''
def pairwise_sq_dists(X1, X2):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N1, D) and X2 (N2, D)")
    return ((X1 - X2) ** 2).sum(dim=1)
'''),
        ("no check of the inputs: mismatched D raises broadcasting's RuntimeError, not ValueError", '''
def pairwise_sq_dists(X1, X2):
    return ((X1[:, None, :] - X2[None, :, :]) ** 2).sum(dim=2)
'''),
        ("expands ||a||^2 + ||b||^2 - 2 a.b in float32: float64 is lost", '''
def pairwise_sq_dists(X1, X2):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N1, D) and X2 (N2, D)")
    X1, X2 = X1.float(), X2.float()
    return (X1 ** 2).sum(1)[:, None] + (X2 ** 2).sum(1)[None, :] - 2 * X1 @ X2.T
'''),
    ],
    'pytorch-gradient': [
        ("forgets the chain rule's factor 2 on (u . v) ** 2", '''
def f_grads(u, v):
    s = u @ v
    return s * v + torch.exp(v), s * u + u * torch.exp(v)
'''),
        ("drops the product rule's u in the derivative of u * exp(v) with respect to v", '''
def f_grads(u, v):
    s = u @ v
    return 2 * s * v + torch.exp(v), 2 * s * u + torch.exp(v)
'''),
        ("returns the gradients in the wrong order", '''
def f_grads(u, v):
    s = u @ v
    return 2 * s * u + u * torch.exp(v), 2 * s * v + torch.exp(v)
'''),
        ("computes in float32", '''
def f_grads(u, v):
    u, v = u.float(), v.float()
    s = u @ v
    return 2 * s * v + torch.exp(v), 2 * s * u + u * torch.exp(v)
'''),
    ],
    'pytorch-fix-loop': [
        ("repairs only the shapes: the gradients still accumulate from epoch to epoch", '''
def train_linear(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = ((model(X).squeeze(1) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
        ("repairs only the accumulation: (N, 1) - (N,) still broadcasts to (N, N)", '''
def train_linear(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = ((model(X) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
        ("records the loss after the step, recomputed on the updated model", '''
def train_linear(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = ((model(X).squeeze(1) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(((model(X).squeeze(1) - y) ** 2).mean().item())
    return losses
'''),
        ("appends the loss tensor instead of a Python float", '''
def train_linear(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = ((model(X).squeeze(1) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return losses
'''),
    ],
    'pytorch-target': [
        ("builds the model and forgets to train it", '''
def fit_regression(X_train, y_train):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(X_train.shape[1], 1)
    return model
'''),
        ("a learning rate too large for the widest feature: the loss diverges", '''
def fit_regression(X_train, y_train):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(X_train.shape[1], 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(300):
        loss = ((model(X_train).squeeze(1) - y_train) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
'''),
        ("a safe learning rate on raw features: the narrow feature's weight is far from learned", '''
def fit_regression(X_train, y_train):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(X_train.shape[1], 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(300):
        loss = ((model(X_train).squeeze(1) - y_train) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
'''),
        ("trains on standardized features but returns a model that expects them standardized", '''
def fit_regression(X_train, y_train):
    Z = (X_train - X_train.mean(0)) / X_train.std(0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(X_train.shape[1], 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
    for _ in range(300):
        loss = ((model(Z).squeeze(1) - y_train) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
'''),
    ],
}
