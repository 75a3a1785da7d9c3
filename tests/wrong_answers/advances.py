"""Plausible wrong answers for Chapter 4's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
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
}
