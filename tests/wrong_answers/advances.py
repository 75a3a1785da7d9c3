"""Plausible wrong answers for Chapter 4's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-self-supervised
    'self-nt-xent': [
        ("the diagonal left in: each anchor also competes with itself", '''
def nt_xent(z1, z2, temperature=0.5):
    if z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError("expected z1 and z2 of the same shape (N, D)")
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    N = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2]), dim=1)
    logits = u @ u.T / temperature
    positive = torch.cat([torch.arange(N, 2 * N), torch.arange(N)])
    return F.cross_entropy(logits, positive)
'''),
        ("only the N x N matrix between the two views: the negatives from the anchor's own view are missing", '''
def nt_xent(z1, z2, temperature=0.5):
    if z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError("expected z1 and z2 of the same shape (N, D)")
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    a, b = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    logits = a @ b.T / temperature
    target = torch.arange(len(z1))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
'''),
        ("dot products instead of cosines: the rows are not normalised", '''
def nt_xent(z1, z2, temperature=0.5):
    if z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError("expected z1 and z2 of the same shape (N, D)")
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    N = z1.shape[0]
    u = torch.cat([z1, z2])
    logits = (u @ u.T / temperature).masked_fill(torch.eye(2 * N, dtype=torch.bool), float("-inf"))
    positive = torch.cat([torch.arange(N, 2 * N), torch.arange(N)])
    return F.cross_entropy(logits, positive)
'''),
        ("the sum over the 2N anchors instead of the mean", '''
def nt_xent(z1, z2, temperature=0.5):
    if z1.dim() != 2 or z1.shape != z2.shape:
        raise ValueError("expected z1 and z2 of the same shape (N, D)")
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    N = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2]), dim=1)
    logits = (u @ u.T / temperature).masked_fill(torch.eye(2 * N, dtype=torch.bool), float("-inf"))
    positive = torch.cat([torch.arange(N, 2 * N), torch.arange(N)])
    return F.cross_entropy(logits, positive, reduction="sum")
'''),
        ("no checks: a bad temperature or mismatched shapes give a number or a torch error", '''
def nt_xent(z1, z2, temperature=0.5):
    N = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2]), dim=1)
    logits = (u @ u.T / temperature).masked_fill(torch.eye(2 * N, dtype=torch.bool), float("-inf"))
    positive = torch.cat([torch.arange(N, 2 * N), torch.arange(N)])
    return F.cross_entropy(logits, positive)
'''),
    ],
    'self-predict': [
        ("a number written as a string", '''
PREDICTIONS = {"equal": "1.95", "orthogonal": 0.59, "orthogonal_cold": 0.0, "opposite": 3.81}
'''),
        ("a key missing", '''
PREDICTIONS = {"equal": 1.95, "orthogonal": 0.59, "opposite": 3.81}
'''),
        ("a loss as a one-element list", '''
PREDICTIONS = {"equal": 1.95, "orthogonal": [0.59], "orthogonal_cold": 0.0, "opposite": 3.81}
'''),
    ],
}
