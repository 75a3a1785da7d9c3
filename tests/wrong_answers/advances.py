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
    # ---------------------------------------------------------------- 03-federated
    'federated-fedavg': [
        ("divides the weighted sum by J instead of by the sum of the weights", '''
def fedavg(states, weights):
    if len(states) == 0 or len(weights) != len(states):
        raise ValueError("bad input")
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("bad weights")
    if any(set(s) != set(states[0]) for s in states):
        raise ValueError("keys differ")
    out = {}
    for key, first in states[0].items():
        if any(s[key].shape != first.shape for s in states):
            raise ValueError("shapes differ")
        total = sum(float(w) * s[key].double() for w, s in zip(weights, states)) / len(states)
        out[key] = total.to(first.dtype) if first.is_floating_point() else total.round().to(first.dtype)
    return out
'''),
        ("casts the integer buffers back with .to(dtype), which truncates 16.67 to 16", '''
def fedavg(states, weights):
    if len(states) == 0 or len(weights) != len(states):
        raise ValueError("bad input")
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("bad weights")
    if any(set(s) != set(states[0]) for s in states):
        raise ValueError("keys differ")
    total_w = float(sum(weights))
    out = {}
    for key, first in states[0].items():
        if any(s[key].shape != first.shape for s in states):
            raise ValueError("shapes differ")
        mean = sum(float(w) / total_w * s[key].double() for w, s in zip(weights, states))
        out[key] = mean.to(first.dtype)
    return out
'''),
        ("averages into the first client's tensors in place: the input state dicts change", '''
def fedavg(states, weights):
    if len(states) == 0 or len(weights) != len(states):
        raise ValueError("bad input")
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("bad weights")
    if any(set(s) != set(states[0]) for s in states):
        raise ValueError("keys differ")
    total_w = float(sum(weights))
    out = states[0]
    for key, first in states[0].items():
        if any(s[key].shape != first.shape for s in states):
            raise ValueError("shapes differ")
        mean = sum(float(w) / total_w * s[key].double() for w, s in zip(weights, states))
        first.copy_(mean.round() if not first.is_floating_point() else mean)
    return out
'''),
        ("no checks: an empty round, negative or zero weights and mismatched state dicts pass silently", '''
def fedavg(states, weights):
    w = torch.tensor([float(v) for v in weights], dtype=torch.float64)
    w = w / w.sum()
    out = {}
    for key, first in states[0].items():
        stacked = torch.stack([s[key].double().reshape(first.shape) for s in states])
        mean = (w.view(-1, *[1] * first.dim()) * stacked).sum(0)
        out[key] = mean.to(first.dtype) if first.is_floating_point() else mean.round().to(first.dtype)
    return out
'''),
    ],
    'federated-predict': [
        ("True and False written as strings", '''
PREDICTIONS = {"sgd_1_step_n_weights": "True", "sgd_1_step_equal_weights": "False", "sgd_2_steps_n_weights": "False",
               "adam_1_step_n_weights": "False"}
'''),
        ("a key missing", '''
PREDICTIONS = {"sgd_1_step_n_weights": True, "sgd_1_step_equal_weights": False, "sgd_2_steps_n_weights": False}
'''),
        ("yes and no written as 1 and 0", '''
PREDICTIONS = {"sgd_1_step_n_weights": 1, "sgd_1_step_equal_weights": 0, "sgd_2_steps_n_weights": 0,
               "adam_1_step_n_weights": 0}
'''),
    ],
    'federated-reconstruct-input': [
        ("divides row 0 by grad_b[0]: nan when the first hidden unit is off", '''
def reconstruct_input(grad_W, grad_b):
    if grad_W.dim() != 2 or grad_b.dim() != 1 or grad_W.shape[0] != grad_b.shape[0]:
        raise ValueError("shapes")
    if (grad_b == 0).all():
        raise ValueError("grad_b is all zeros")
    return grad_W[0] / grad_b[0]
'''),
        ("divides every row by its bias gradient and averages: the rows of units that are off give nan", '''
def reconstruct_input(grad_W, grad_b):
    if grad_W.dim() != 2 or grad_b.dim() != 1 or grad_W.shape[0] != grad_b.shape[0]:
        raise ValueError("shapes")
    if (grad_b == 0).all():
        raise ValueError("grad_b is all zeros")
    return (grad_W / grad_b[:, None]).mean(dim=0)
'''),
        ("returns (dL/dW)^T g without dividing by ||g||^2: x times an unknown factor", '''
def reconstruct_input(grad_W, grad_b):
    if grad_W.dim() != 2 or grad_b.dim() != 1 or grad_W.shape[0] != grad_b.shape[0]:
        raise ValueError("shapes")
    if (grad_b == 0).all():
        raise ValueError("grad_b is all zeros")
    return grad_W.T @ grad_b
'''),
        ("indexes a column of grad_W instead of a row", '''
def reconstruct_input(grad_W, grad_b):
    if grad_W.dim() != 2 or grad_b.dim() != 1 or grad_W.shape[0] != grad_b.shape[0]:
        raise ValueError("shapes")
    i = grad_b.abs().argmax()
    if grad_b[i] == 0:
        raise ValueError("grad_b is all zeros")
    return grad_W[:, i] / grad_b[i]
'''),
        ("no checks: an all-zero bias gradient gives nan and wrong shapes fail with other errors", '''
def reconstruct_input(grad_W, grad_b):
    return grad_W.T @ grad_b / (grad_b @ grad_b)
'''),
    ],
    # ---------------------------------------------------------------- 04-graph-neural-networks
    'graph-gcn-layer': [
        ("no self-loops: a node ignores its own features", '''
def gcn_layer(x, edge_index, weight, bias=None):
    n = x.shape[0]
    src, dst = edge_index
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype)).clamp(min=1)
    norm = degree.rsqrt()[src] * degree.rsqrt()[dst]
    h = x @ weight.T
    out = torch.zeros(n, h.shape[1], dtype=h.dtype).index_add_(0, dst, norm[:, None] * h[src])
    return out if bias is None else out + bias
'''),
        ("the mean over the neighbourhood (divides by d_i) instead of 1/sqrt(d_i d_j)", '''
def gcn_layer(x, edge_index, weight, bias=None):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype))
    h = x @ weight.T
    out = torch.zeros(n, h.shape[1], dtype=h.dtype).index_add_(0, dst, h[src] / degree[dst, None])
    return out if bias is None else out + bias
'''),
        ("degrees counted at the source: right on undirected graphs, wrong on directed ones", '''
def gcn_layer(x, edge_index, weight, bias=None):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, src, torch.ones(len(src), dtype=x.dtype))
    norm = degree.rsqrt()[src] * degree.rsqrt()[dst]
    h = x @ weight.T
    out = torch.zeros(n, h.shape[1], dtype=h.dtype).index_add_(0, dst, norm[:, None] * h[src])
    return out if bias is None else out + bias
'''),
        ("messages summed into the sources instead of the targets", '''
def gcn_layer(x, edge_index, weight, bias=None):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype))
    norm = degree.rsqrt()[src] * degree.rsqrt()[dst]
    h = x @ weight.T
    out = torch.zeros(n, h.shape[1], dtype=h.dtype).index_add_(0, src, norm[:, None] * h[dst])
    return out if bias is None else out + bias
'''),
        ("the weight used untransposed (x @ W), which only fits when D_in = D_out", '''
def gcn_layer(x, edge_index, weight, bias=None):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype))
    norm = degree.rsqrt()[src] * degree.rsqrt()[dst]
    h = x @ weight
    out = torch.zeros(n, h.shape[1], dtype=h.dtype).index_add_(0, dst, norm[:, None] * h[src])
    return out if bias is None else out + bias
'''),
    ],
    'graph-gcn-backward': [
        ("the gradient sent forward along the edges (S G instead of S^T G): right only on undirected graphs", '''
def gcn_backward(x, edge_index, weight, grad_out):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype))
    w = degree.rsqrt()[src] * degree.rsqrt()[dst]
    sx = torch.zeros_like(x).index_add_(0, dst, w[:, None] * x[src])
    sg = torch.zeros_like(grad_out).index_add_(0, dst, w[:, None] * grad_out[src])
    return sg @ weight, grad_out.T @ sx, grad_out.sum(0)
'''),
        ("the weight's gradient transposed, (S X)^T G", '''
def gcn_backward(x, edge_index, weight, grad_out):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype))
    w = degree.rsqrt()[src] * degree.rsqrt()[dst]
    sx = torch.zeros_like(x).index_add_(0, dst, w[:, None] * x[src])
    stg = torch.zeros_like(grad_out).index_add_(0, src, w[:, None] * grad_out[dst])
    return stg @ weight, sx.T @ grad_out, grad_out.sum(0)
'''),
        ("no self-loops in the backward pass", '''
def gcn_backward(x, edge_index, weight, grad_out):
    n = x.shape[0]
    loops = torch.arange(n)
    src, dst = torch.cat([edge_index[0], loops]), torch.cat([edge_index[1], loops])
    degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones(len(dst), dtype=x.dtype))
    w = degree.rsqrt()[src] * degree.rsqrt()[dst]
    sx = torch.zeros_like(x).index_add_(0, dst, w[:, None] * x[src])
    e_src, e_dst = edge_index
    w_e = degree.rsqrt()[e_src] * degree.rsqrt()[e_dst]
    stg = torch.zeros_like(grad_out).index_add_(0, e_src, w_e[:, None] * grad_out[e_dst])
    return stg @ weight, grad_out.T @ sx, grad_out.sum(0)
'''),
    ],
    'graph-predict': [
        ("the weight as a fraction in words", '''
PREDICTION = {"weight": "1/sqrt(6)", "reach": {0, 1, 2}, "limit": "proportional to sqrt degree"}
'''),
        ("reach as a list", '''
PREDICTION = {"weight": 0.41, "reach": [0, 1, 2], "limit": "proportional to sqrt degree"}
'''),
        ("a limit not among the offered strings", '''
PREDICTION = {"weight": 0.41, "reach": {0, 1, 2}, "limit": "sqrt(degree)"}
'''),
        ("a key missing", '''
PREDICTION = {"weight": 0.41, "limit": "proportional to sqrt degree"}
'''),
    ],
    'graph-target': [
        ("an MLP on the features alone: the edges unused", '''
def train_node_classifier(x, edge_index, train_idx, y_train):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(x.shape[1], 32), nn.ReLU(), nn.Linear(32, 4))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for _ in range(200):
        opt.zero_grad()
        F.cross_entropy(model(x)[train_idx], y_train).backward()
        opt.step()
    with torch.no_grad():
        return model(x).argmax(dim=1)
'''),
        ("the GCN built and never trained", '''
def train_node_classifier(x, edge_index, train_idx, y_train):
    torch.manual_seed(0)
    model = GCN(x.shape[1], 32, 4)
    model.eval()
    with torch.no_grad():
        return model(x, edge_index).argmax(dim=1)
'''),
        ("the logits returned instead of the classes", '''
def train_node_classifier(x, edge_index, train_idx, y_train):
    torch.manual_seed(0)
    model = GCN(x.shape[1], 32, 4)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for _ in range(200):
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(x, edge_index)[train_idx], y_train).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        return model(x, edge_index)
'''),
    ],
    # ------------------------------------------------------------------ 05-large-models
    'large-count-parameters': [
        ("counts only the 12 D^2 weights of a block: no biases, no LayerNorms", '''
def count_parameters(V, D, L, T):
    return V * D + T * D + L * 12 * D * D + 2 * D + V * D
'''),
        ("ties the head to the token embedding: V D counted once", '''
def count_parameters(V, D, L, T):
    return V * D + T * D + L * (12 * D * D + 13 * D) + 2 * D
'''),
        ("forgets the position table", '''
def count_parameters(V, D, L, T):
    return V * D + L * (12 * D * D + 13 * D) + 2 * D + V * D
'''),
        ("sizes the MLP D -> D instead of D -> 4D -> D", '''
def count_parameters(V, D, L, T):
    block = (4 * D * D + 4 * D) + (2 * D * D + 2 * D) + 4 * D
    return V * D + T * D + L * block + 2 * D + V * D
'''),
    ],
    'large-causal-mask': [
        ("keeps tril: True where attention is allowed, the opposite of the layer's convention", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).tril()
'''),
        ("triu without diagonal=1: every position hidden from itself", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).triu()
'''),
        ("a float mask of 0 and 1, which the layer adds to the scores", '''
def causal_mask(T):
    return torch.ones(T, T).triu(diagonal=1)
'''),
    ],
    'large-distillation-loss': [
        ("swaps p and q: KL(q || p), the student's distribution weighting the sum", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_q.exp() * (log_q - log_p)).sum(dim=-1).mean()
'''),
        ("forgets the factor tau^2", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()
'''),
        ("divides only the student's logits by tau", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach(), dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()
'''),
        ("sums over the positions instead of averaging", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_p.exp() * (log_p - log_q)).sum()
'''),
        ("lets the gradient flow into the teacher's logits", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()
'''),
    ],
    # ---------------------------------------------------------------- 02-transfer
    'transfer-param-groups': [
        ("the two rates swapped: the backbone at lr, the head at backbone_lr", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("shared")
    for p in phi:
        p.requires_grad_(True)
    for p in theta:
        p.requires_grad_(backbone_lr > 0)
    if backbone_lr == 0:
        return [{"params": phi, "lr": lr}]
    return [{"params": theta, "lr": lr}, {"params": phi, "lr": backbone_lr}]
'''),
        ("a frozen backbone kept in the groups at rate 0", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("shared")
    for p in phi:
        p.requires_grad_(True)
    for p in theta:
        p.requires_grad_(backbone_lr > 0)
    return [{"params": theta, "lr": backbone_lr}, {"params": phi, "lr": lr}]
'''),
        ("freezes with backbone_lr 0 but never unfreezes a backbone frozen before", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("shared")
    if backbone_lr == 0:
        for p in theta:
            p.requires_grad_(False)
        return [{"params": phi, "lr": lr}]
    return [{"params": theta, "lr": backbone_lr}, {"params": phi, "lr": lr}]
'''),
        ("module.parameters() handed over as generators, used up by the first loop over them", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    if {id(p) for p in backbone.parameters()} & {id(p) for p in head.parameters()}:
        raise ValueError("shared")
    for p in head.parameters():
        p.requires_grad_(True)
    for p in backbone.parameters():
        p.requires_grad_(backbone_lr > 0)
    if backbone_lr == 0:
        return [{"params": head.parameters(), "lr": lr}]
    return [{"params": backbone.parameters(), "lr": backbone_lr}, {"params": head.parameters(), "lr": lr}]
'''),
        ("no argument checks: a zero rate, a negative rate and a shared layer all pass", '''
def param_groups(backbone, head, lr, backbone_lr):
    theta, phi = list(backbone.parameters()), list(head.parameters())
    for p in phi:
        p.requires_grad_(True)
    for p in theta:
        p.requires_grad_(backbone_lr > 0)
    if backbone_lr == 0:
        return [{"params": phi, "lr": lr}]
    return [{"params": theta, "lr": backbone_lr}, {"params": phi, "lr": lr}]
'''),
    ],
    'transfer-predict': [
        ("yes and no written as strings", '''
PREDICTIONS = {"features_beat_scratch_at_1": "yes", "features_beat_full_at_all": "no",
               "transfer_gains_5_points_at_all": "no"}
'''),
        ("a question left out", '''
PREDICTIONS = {"features_beat_scratch_at_1": True, "features_beat_full_at_all": False}
'''),
        ("True and False written as 1 and 0", '''
PREDICTIONS = {"features_beat_scratch_at_1": 1, "features_beat_full_at_all": 0, "transfer_gains_5_points_at_all": 0}
'''),
    ],
}
