"""Plausible wrong answers for this chapter's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-network-structure
    'structure-dense-forward': [
        ("works in float32 to save memory: float64 precision is lost", '''
def dense_forward(X, W, b):
    X, W, b = X.astype(np.float32), W.astype(np.float32), b.astype(np.float32)
    Z = X @ W.T + b
    return 1.0 / (1.0 + np.exp(-Z))
'''),
        ("squeezes the result: a batch of one example loses its batch dimension", '''
def dense_forward(X, W, b):
    Z = np.squeeze(X @ W.T + b)
    return 1.0 / (1.0 + np.exp(-Z))
'''),
        ("W @ X.T: the transposed result, of shape (O, B)", '''
def dense_forward(X, W, b):
    Z = W @ X.T + b[:, None]
    return 1.0 / (1.0 + np.exp(-Z))
'''),
        ("X @ W without the transpose: only works for a square layer", '''
def dense_forward(X, W, b):
    return 1.0 / (1.0 + np.exp(-(X @ W + b)))
'''),
    ],
    'structure-predict': [
        ("writes the shapes as lists, as printed by .tolist()", '''
predictions = {"hidden": [32, 128], "W2": [10, 128], "row_sum": 1.0, "shift": True, "sigmoid": "between 0 and 1"}
'''),
        ("writes the row sum as a string", '''
predictions = {"hidden": (32, 128), "W2": (10, 128), "row_sum": "1", "shift": True, "sigmoid": "between 0 and 1"}
'''),
        ("leaves out the sigmoid question", '''
predictions = {"hidden": (32, 128), "W2": (10, 128), "row_sum": 1.0, "shift": True}
'''),
        ("answers the sigmoid question in its own words, not with an offered string", '''
predictions = {"hidden": (32, 128), "W2": (10, 128), "row_sum": 1.0, "shift": True, "sigmoid": "(0, 1)"}
'''),
        ("answers yes/no questions with strings", '''
predictions = {"hidden": (32, 128), "W2": (10, 128), "row_sum": 1.0, "shift": "yes", "sigmoid": "between 0 and 1"}
'''),
        ("the hidden output as a 1-D shape, without the batch dimension", '''
predictions = {"hidden": (128,), "W2": (10, 128), "row_sum": 1.0, "shift": True, "sigmoid": "between 0 and 1"}
'''),
    ],
    'structure-count-parameters': [
        ("gives the biases to the input side of each layer: n_in * (n_out + 1)", '''
def count_parameters(layer_sizes):
    return sum(n_in * (n_out + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
'''),
        ("counts the weights only", '''
def count_parameters(layer_sizes):
    return sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
'''),
        ("off by one in the loop over pairs: the last layer is left out", '''
def count_parameters(layer_sizes):
    total = 0
    for l in range(len(layer_sizes) - 2):
        total += (layer_sizes[l] + 1) * layer_sizes[l + 1]
    return total
'''),
        ("one bias per node of every layer, the input layer included", '''
def count_parameters(layer_sizes):
    weights = sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    return weights + sum(layer_sizes)
'''),
    ],
    # ---------------------------------------------------------------- 02-activations
    'activations-derivatives': [
        ("casts to float64 for precision: float32 in gives float64 out", '''
def sigmoid_grad(x):
    s = torch.sigmoid(x.double())
    return s * (1 - s)


def tanh_grad(x):
    return 1 - torch.tanh(x.double()) ** 2
'''),
        ("clamps x to +-700 before exp (safe in float64 only): nan for large |x| in float32", '''
def sigmoid_grad(x):
    x = x.clamp(-700, 700)
    e = torch.exp(-x)
    return e / (1 + e) ** 2


def tanh_grad(x):
    x = x.clamp(-700, 700)
    return 4 / (torch.exp(x) + torch.exp(-x)) ** 2
'''),
        ("tanh_grad loops over x.flatten() with math.tanh: a 1-D result for any input shape", '''
import math


def sigmoid_grad(x):
    s = torch.sigmoid(x)
    return s * (1 - s)


def tanh_grad(x):
    return torch.tensor([1 - math.tanh(v) ** 2 for v in x.flatten().tolist()], dtype=x.dtype)
'''),
        ("1 - tanh(x) instead of 1 - tanh(x)**2", '''
def sigmoid_grad(x):
    s = torch.sigmoid(x)
    return s * (1 - s)


def tanh_grad(x):
    return 1 - torch.tanh(x)
'''),
        ("the literal e^{-x} / (1 + e^{-x})^2: inf / inf = nan for x = -1000", '''
def sigmoid_grad(x):
    return torch.exp(-x) / (1 + torch.exp(-x)) ** 2


def tanh_grad(x):
    return 1 - torch.tanh(x) ** 2
'''),
    ],
    'activations-grad-norms': [
        ("looks for dnn.Linear only: torch.nn.Linear layers are missed", '''
def layer_grad_norms(model, x, y, loss_fn):
    linears = [m for m in model.modules() if isinstance(m, dnn.Linear)]
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    return [m.weight.grad.norm().item() for m in linears]
'''),
        ("reads model.layers, which only dnn.MLP has", '''
def layer_grad_norms(model, x, y, loss_fn):
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    return [layer.weight.grad.norm().item() for layer in model.layers]
'''),
        ("does not clear old gradients: .backward() adds to them", '''
def layer_grad_norms(model, x, y, loss_fn):
    linears = [m for m in model.modules() if isinstance(m, (torch.nn.Linear, dnn.Linear))]
    loss_fn(model(x), y).backward()
    return [m.weight.grad.norm().item() for m in linears]
'''),
        ("returns the layers in backward order, last layer first", '''
def layer_grad_norms(model, x, y, loss_fn):
    linears = [m for m in model.modules() if isinstance(m, (torch.nn.Linear, dnn.Linear))]
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    return [m.weight.grad.norm().item() for m in reversed(linears)]
'''),
    ],
    'activations-backward': [
        ("divides by the batch size B: the mean runs over all B * O entries", '''
def mlp_backward(x, W1, b1, W2, b2, y):
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    d_y_hat = 2 * (h @ W2.T + b2 - y) / x.shape[0]
    d_z1 = (d_y_hat @ W2) * tanh_grad(z1)
    return d_z1.T @ x, d_z1.sum(0), d_y_hat.T @ h, d_y_hat.sum(0)
'''),
        ("takes the tanh derivative at its output h instead of its input z1", '''
def mlp_backward(x, W1, b1, W2, b2, y):
    h = torch.tanh(x @ W1.T + b1)
    y_hat = h @ W2.T + b2
    d_y_hat = 2 * (y_hat - y) / y_hat.numel()
    d_z1 = (d_y_hat @ W2) * tanh_grad(h)
    return d_z1.T @ x, d_z1.sum(0), d_y_hat.T @ h, d_y_hat.sum(0)
'''),
        ("forgets the factor 2 of the square", '''
def mlp_backward(x, W1, b1, W2, b2, y):
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    y_hat = h @ W2.T + b2
    d_y_hat = (y_hat - y) / y_hat.numel()
    d_z1 = (d_y_hat @ W2) * tanh_grad(z1)
    return d_z1.T @ x, d_z1.sum(0), d_y_hat.T @ h, d_y_hat.sum(0)
'''),
        ("x.T @ d_z1: the transpose of dW1, of shape (I, K)", '''
def mlp_backward(x, W1, b1, W2, b2, y):
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    y_hat = h @ W2.T + b2
    d_y_hat = 2 * (y_hat - y) / y_hat.numel()
    d_z1 = (d_y_hat @ W2) * tanh_grad(z1)
    return x.T @ d_z1, d_z1.sum(0), d_y_hat.T @ h, d_y_hat.sum(0)
'''),
        ("averages the bias gradients over the batch instead of summing", '''
def mlp_backward(x, W1, b1, W2, b2, y):
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    y_hat = h @ W2.T + b2
    d_y_hat = 2 * (y_hat - y) / y_hat.numel()
    d_z1 = (d_y_hat @ W2) * tanh_grad(z1)
    return d_z1.T @ x, d_z1.mean(0), d_y_hat.T @ h, d_y_hat.mean(0)
'''),
        ("works in float32 to save memory", '''
def mlp_backward(x, W1, b1, W2, b2, y):
    x, W1, b1, W2, b2, y = (t.float() for t in (x, W1, b1, W2, b2, y))
    z1 = x @ W1.T + b1
    h = torch.tanh(z1)
    y_hat = h @ W2.T + b2
    d_y_hat = 2 * (y_hat - y) / y_hat.numel()
    d_z1 = (d_y_hat @ W2) * tanh_grad(z1)
    return d_z1.T @ x, d_z1.sum(0), d_y_hat.T @ h, d_y_hat.sum(0)
'''),
    ],
    'activations-leaky-relu': [
        ("clones and detaches to avoid changing x, then scales in place: no gradient reaches x", '''
def leaky_relu(x, negative_slope=0.01):
    out = x.clone().detach()
    out[out <= 0] *= negative_slope
    return out
'''),
        ("computes in NumPy and converts back: autograd cannot follow", '''
import numpy as np


def leaky_relu(x, negative_slope=0.01):
    a = x.detach().numpy()
    return torch.from_numpy(np.where(a > 0, a, negative_slope * a))
'''),
        ("x[x < 0] *= negative_slope: changes the caller's tensor in place", '''
def leaky_relu(x, negative_slope=0.01):
    x[x < 0] *= negative_slope
    return x
'''),
        ("hard-codes the slope 0.01", '''
def leaky_relu(x, negative_slope=0.01):
    return torch.where(x > 0, x, 0.01 * x)
'''),
    ],
    # ---------------------------------------------------------------- 03-losses
    'losses-mse': [
        ("compares only the number of dimensions: (4, 1) and (1, 4) broadcast silently", '''
def mse_loss(pred, target, reduction="mean"):
    if pred.dim() != target.dim():
        raise ValueError(f"shapes differ: {tuple(pred.shape)} and {tuple(target.shape)}")
    squared = (pred - target) ** 2
    if reduction == "sum":
        return squared.sum()
    if reduction == "none":
        return squared
    return squared.mean()
'''),
        ("reduction='none' returns a flat vector instead of the inputs' shape", '''
def mse_loss(pred, target, reduction="mean"):
    if pred.shape != target.shape:
        raise ValueError(f"shapes differ: {tuple(pred.shape)} and {tuple(target.shape)}")
    squared = ((pred - target) ** 2).flatten()
    if reduction == "sum":
        return squared.sum()
    if reduction == "none":
        return squared
    return squared.mean()
'''),
        ("compares the number of elements, not the shapes", '''
def mse_loss(pred, target, reduction="mean"):
    if pred.numel() != target.numel():
        raise ValueError(f"sizes differ: {tuple(pred.shape)} and {tuple(target.shape)}")
    squared = (pred - target) ** 2
    if reduction == "sum":
        return squared.sum()
    if reduction == "none":
        return squared
    return squared.mean()
'''),
        ("'mean' divides by len(pred), the number of rows", '''
def mse_loss(pred, target, reduction="mean"):
    if pred.shape != target.shape:
        raise ValueError(f"shapes differ: {tuple(pred.shape)} and {tuple(target.shape)}")
    squared = (pred - target) ** 2
    if reduction == "sum":
        return squared.sum()
    if reduction == "none":
        return squared
    return squared.sum() / len(pred)
'''),
    ],
    'losses-cross-entropy': [
        ("subtracts the maximum of the whole batch, not of each row", '''
def cross_entropy(logits, target):
    m = logits.max()
    log_sum_exp = m + torch.log(torch.exp(logits - m).sum(dim=1))
    true_logit = logits[torch.arange(len(target)), target]
    return (log_sum_exp - true_logit).mean()
'''),
        ("one-hot targets without num_classes: fails when the last class is absent from the batch", '''
def cross_entropy(logits, target):
    m = logits.amax(dim=1, keepdim=True)
    log_probs = logits - m - torch.log(torch.exp(logits - m).sum(dim=1, keepdim=True))
    one_hot = F.one_hot(target).to(logits.dtype)
    return -(one_hot * log_probs).sum(dim=1).mean()
'''),
        ("no max subtraction: exp overflows for large logits", '''
def cross_entropy(logits, target):
    log_sum_exp = torch.log(torch.exp(logits).sum(dim=1))
    true_logit = logits[torch.arange(len(target)), target]
    return (log_sum_exp - true_logit).mean()
'''),
        ("sums over the batch instead of averaging", '''
def cross_entropy(logits, target):
    m = logits.amax(dim=1, keepdim=True)
    log_sum_exp = m.squeeze(1) + torch.log(torch.exp(logits - m).sum(dim=1))
    true_logit = logits[torch.arange(len(target)), target]
    return (log_sum_exp - true_logit).sum()
'''),
    ],
    'losses-fix-training': [
        ("repairs only the softmax: the gradients still accumulate from epoch to epoch", '''
def train_classifier(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
        ("repairs only the accumulation: the softmax is still applied before F.cross_entropy", '''
def train_classifier(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = F.cross_entropy(torch.softmax(model(X), dim=1), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
        ("zero_grad between backward and step: the step uses a zero gradient", '''
def train_classifier(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
        ("appends the loss tensor, not a float", '''
def train_classifier(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = F.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss)
    return losses
'''),
        ("records the loss after the step", '''
def train_classifier(model, X, y, epochs, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(F.cross_entropy(model(X), y).item())
    return losses
'''),
        ("trains a copy, to leave the caller's model untouched", '''
import copy


def train_classifier(model, X, y, epochs, lr):
    model = copy.deepcopy(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = F.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
    ],
    'losses-bce': [
        ("the torch.where trick: right values, but the branch not taken exponentiates e^{|z|}, so the "
         "gradient is nan for large |z|", '''
def binary_cross_entropy_with_logits(z, y):
    softplus_neg_z = torch.where(z >= 0, torch.log1p(torch.exp(-z)), -z + torch.log1p(torch.exp(z)))
    return ((1 - y) * z + softplus_neg_z).mean()
'''),
        ("log1p(exp(-z)) without the abs: overflows for z = -100", '''
def binary_cross_entropy_with_logits(z, y):
    return ((1 - y) * z + torch.log1p(torch.exp(-z))).mean()
'''),
        ("the textbook formula through sigmoid and log: log(0) for confident logits", '''
def binary_cross_entropy_with_logits(z, y):
    p = torch.sigmoid(z)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
'''),
        ("assumes hard 0/1 targets: soft targets get the wrong loss", '''
def binary_cross_entropy_with_logits(z, y):
    sp_pos = torch.relu(z) + torch.log1p(torch.exp(-z.abs()))    # softplus(z)
    sp_neg = torch.relu(-z) + torch.log1p(torch.exp(-z.abs()))   # softplus(-z)
    return torch.where(y > 0.5, sp_neg, sp_pos).mean()
'''),
    ],
    # ---------------------------------------------------------------- 04-regularization
    'regularization-l1-l2-penalty': [
        ("picks parameters named 'weight': the 1-D scale of a LayerNorm is included", '''
def l1_l2_penalty(model, l1=0.0, l2=0.0):
    total = 0.0
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            total = total + l1 * p.abs().sum() + l2 * (p ** 2).sum()
    return total
'''),
        ("looks at nn.Linear layers only: convolution kernels are missed", '''
def l1_l2_penalty(model, l1=0.0, l2=0.0):
    total = 0.0
    for m in model.modules():
        if isinstance(m, nn.Linear):
            total = total + l1 * m.weight.abs().sum() + l2 * (m.weight ** 2).sum()
    return total
'''),
        ("skips the terms whose strength is 0: the defaults return the int 0, not a tensor", '''
def l1_l2_penalty(model, l1=0.0, l2=0.0):
    total = 0
    for p in model.parameters():
        if p.dim() >= 2:
            if l1:
                total = total + l1 * p.abs().sum()
            if l2:
                total = total + l2 * (p ** 2).sum()
    return total
'''),
        ("the L2 term uses the norm, not the sum of squares", '''
def l1_l2_penalty(model, l1=0.0, l2=0.0):
    weights = [p for p in model.parameters() if p.dim() >= 2]
    return sum(l1 * w.abs().sum() + l2 * w.norm() for w in weights)
'''),
    ],
    'regularization-sgd-step-l2': [
        ("iterates over params twice (gradients first): model.parameters() is a generator, spent after one pass", '''
def sgd_step_l2(params, lr, lam):
    grads = [w.grad for w in params]
    with torch.no_grad():
        for w, g in zip(params, grads):
            if g is not None:
                w -= lr * (g + 2 * lam * w)
'''),
        ("lam * w instead of 2 * lam * w", '''
def sgd_step_l2(params, lr, lam):
    with torch.no_grad():
        for w in params:
            if w.grad is not None:
                w -= lr * (w.grad + lam * w)
'''),
        ("adds the L2 term into w.grad in place", '''
def sgd_step_l2(params, lr, lam):
    with torch.no_grad():
        for w in params:
            if w.grad is not None:
                w.grad += 2 * lam * w
                w -= lr * w.grad
'''),
        ("treats a missing gradient as zero: tensors without .grad decay too", '''
def sgd_step_l2(params, lr, lam):
    with torch.no_grad():
        for w in params:
            g = w.grad if w.grad is not None else torch.zeros_like(w)
            w -= lr * (g + 2 * lam * w)
'''),
    ],
    'regularization-sparsity': [
        ("averages the per-layer fractions instead of pooling all weights", '''
def sparsity(model, tol=1e-3):
    fractions = [(p.detach().abs() < tol).float().mean().item() for p in model.parameters() if p.dim() >= 2]
    return sum(fractions) / len(fractions)
'''),
        ("|w| <= tol: a weight exactly at tol counts as zero", '''
def sparsity(model, tol=1e-3):
    weights = [p.detach() for p in model.parameters() if p.dim() >= 2]
    return sum(int((w.abs() <= tol).sum()) for w in weights) / sum(w.numel() for w in weights)
'''),
        ("picks parameters named 'weight': the 1-D scale of a LayerNorm is counted", '''
def sparsity(model, tol=1e-3):
    weights = [p.detach() for name, p in model.named_parameters() if name.endswith("weight")]
    return sum(int((w.abs() < tol).sum()) for w in weights) / sum(w.numel() for w in weights)
'''),
        ("looks at nn.Linear layers only: convolution kernels are missed", '''
def sparsity(model, tol=1e-3):
    weights = [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]
    return sum(int((w.abs() < tol).sum()) for w in weights) / sum(w.numel() for w in weights)
'''),
        ("counts the biases too", '''
def sparsity(model, tol=1e-3):
    params = [p.detach() for p in model.parameters()]
    return sum(int((p.abs() < tol).sum()) for p in params) / sum(p.numel() for p in params)
'''),
    ],
    'regularization-target': [
        ("builds the model and forgets to train it", '''
def fit_few_digits(X_train, y_train):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = dnn.MLP(64, [128], 10)
    return model.eval()
'''),
        ("plain SGD with a tiny learning rate: the model barely moves", '''
def fit_few_digits(X_train, y_train):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = dnn.MLP(64, [128], 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
    for _ in range(300):
        loss = dnn.cross_entropy(model(X_train), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()
'''),
        ("a debugging slice left in: trains on the first 20 digits only", '''
def fit_few_digits(X_train, y_train):
    X_train, y_train = X_train[:20], y_train[:20]  # quick test
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = dnn.MLP(64, [128], 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(300):
        loss = dnn.cross_entropy(model(X_train), y_train) + 1e-3 * dnn.l2_penalty(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()
'''),
        ("regression on the label: one output per digit instead of 10 logits", '''
def fit_few_digits(X_train, y_train):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = dnn.MLP(64, [128], 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(300):
        loss = dnn.mse_loss(model(X_train).squeeze(1), y_train.float())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()
'''),
    ],
    # ---------------------------------------------------------------- 05-dropout-early-stopping
    'dropout-inverted': [
        ("no 1/(1 - p) scaling: the expected activation shrinks to (1 - p) x in training", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    keep = torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p
    return x * keep.to(x.dtype)
'''),
        ("keeps each entry with probability p (and scales by 1/p): the roles of p and 1 - p swapped", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, device=x.device) < p
    return x * keep.to(x.dtype) / p
'''),
        ("one mask of shape x.shape[1:] shared by every example of the batch", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * torch.zeros_like(x)
    keep = torch.rand(x.shape[1:], generator=generator, device=x.device) < 1.0 - p
    return x * keep.to(x.dtype) / (1.0 - p)
'''),
        ("ignores training: dropout stays on in evaluation mode", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if p == 0.0:
        return x
    if p == 1.0:
        return x * torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p
    return x * keep.to(x.dtype) / (1.0 - p)
'''),
        ("divides by 1 - p also when p = 1: 0 / 0 gives nan", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training:
        return x
    keep = torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p
    return x * keep.to(x.dtype) / (1.0 - p)
'''),
        ("draws from the global generator: the generator argument is ignored", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * torch.zeros_like(x)
    keep = torch.rand(x.shape, device=x.device) < 1.0 - p
    return x * keep.to(x.dtype) / (1.0 - p)
'''),
        ("a float32 mask: a float16 input comes back as float32", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * torch.zeros_like(x)
    keep = (torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p).float()
    return x * keep / (1.0 - p)
'''),
        ("no check of p: a negative p or p > 1 is used as it is", '''
def inverted_dropout(x, p, training=True, generator=None):
    if not training or p <= 0.0:
        return x
    if p >= 1.0:
        return x * torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p
    return x * keep.to(x.dtype) / (1.0 - p)
'''),
    ],
    'early-stopping-epochs': [
        ("the epoch of the lowest loss in the whole list: epochs after the stop are never seen", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1 or len(val_losses) == 0:
        raise ValueError("patience >= 1 and at least one loss")
    best_epoch = 1 + min(range(len(val_losses)), key=val_losses.__getitem__)
    stop_epoch = min(best_epoch + patience, len(val_losses))
    return best_epoch, stop_epoch
'''),
        ("stops one epoch late: epoch - best_epoch > patience", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1 or len(val_losses) == 0:
        raise ValueError("patience >= 1 and at least one loss")
    best_epoch, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch > patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)
'''),
        ("counts epochs from 0", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1 or len(val_losses) == 0:
        raise ValueError("patience >= 1 and at least one loss")
    best_epoch, best_loss = -1, float("inf")
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
'''),
        ("a tie counts as an improvement (<=)", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1 or len(val_losses) == 0:
        raise ValueError("patience >= 1 and at least one loss")
    best_epoch, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)
'''),
        ("when patience never runs out, returns best_epoch + patience, past the end of the curve", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1 or len(val_losses) == 0:
        raise ValueError("patience >= 1 and at least one loss")
    best_epoch, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, best_epoch + patience
'''),
        ("returns a list, not a tuple", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1 or len(val_losses) == 0:
        raise ValueError("patience >= 1 and at least one loss")
    best_epoch, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch >= patience:
            return [best_epoch, epoch]
    return [best_epoch, len(val_losses)]
'''),
        ("no ValueError for an empty list: returns (0, 0)", '''
def early_stopping_epochs(val_losses, patience):
    if patience < 1:
        raise ValueError("patience must be at least 1")
    best_epoch, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_epoch, best_loss = epoch, loss
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)
'''),
    ],
}
