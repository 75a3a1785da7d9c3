"""Plausible wrong answers for this chapter's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-data
    'data-fill-missing': [
        ("fills a fresh torch.empty(N) in a loop: float32 out for float64 in", '''
def fill_missing(x, method="mean"):
    if x.dim() != 1:
        raise ValueError("expected a 1-D tensor")
    missing = torch.isnan(x)
    if missing.all():
        raise ValueError("every value is missing")
    if method not in ("mean", "linear"):
        raise ValueError(f"unknown method {method!r}")
    known = [i for i in range(len(x)) if not missing[i]]
    out = torch.empty(len(x))
    mean = x[~missing].mean()
    for i in range(len(x)):
        if not missing[i]:
            out[i] = x[i]
        elif method == "mean":
            out[i] = mean
        else:
            before = [k for k in known if k < i]
            after = [k for k in known if k > i]
            if not before:
                out[i] = x[after[0]]
            elif not after:
                out[i] = x[before[-1]]
            else:
                a, b = before[-1], after[0]
                out[i] = x[a] + (x[b] - x[a]) * (i - a) / (b - a)
    return out
'''),
        ("no checks: an all-NaN series comes back as NaN, a 2-D input or an unknown method is filled anyway", '''
def fill_missing(x, method="mean"):
    missing = torch.isnan(x)
    if method == "mean":
        return torch.where(missing, x[~missing].mean(), x)
    pos = torch.arange(len(x), dtype=x.dtype)
    known_pos, known = pos[~missing], x[~missing]
    if len(known) == 1:
        return torch.where(missing, known[0], x)
    right = torch.searchsorted(known_pos, pos).clamp(1, len(known) - 1)
    a, b = known_pos[right - 1], known_pos[right]
    frac = ((pos - a) / (b - a)).clamp(0, 1)
    return torch.where(missing, known[right - 1] + frac * (known[right] - known[right - 1]), x)
'''),
        ("linear: every NaN takes the midpoint of its two observed neighbours, not the point on the line", '''
def fill_missing(x, method="mean"):
    if x.dim() != 1:
        raise ValueError("expected a 1-D tensor")
    missing = torch.isnan(x)
    if missing.all():
        raise ValueError("every value is missing")
    if method == "mean":
        return torch.where(missing, x[~missing].mean(), x)
    if method != "linear":
        raise ValueError(f"unknown method {method!r}")
    known = (~missing).nonzero().flatten().tolist()
    out = x.clone()
    for i in missing.nonzero().flatten().tolist():
        before = [k for k in known if k < i]
        after = [k for k in known if k > i]
        if not before:
            out[i] = x[after[0]]
        elif not after:
            out[i] = x[before[-1]]
        else:
            out[i] = (x[before[-1]] + x[after[0]]) / 2
    return out
'''),
        ("replaces the NaNs in place and returns x itself", '''
def fill_missing(x, method="mean"):
    if x.dim() != 1:
        raise ValueError("expected a 1-D tensor")
    missing = torch.isnan(x)
    if missing.all():
        raise ValueError("every value is missing")
    if method not in ("mean", "linear"):
        raise ValueError(f"unknown method {method!r}")
    if method == "mean":
        x[missing] = x[~missing].mean()
        return x
    pos = torch.arange(len(x), dtype=x.dtype)
    known_pos, known = pos[~missing], x[~missing]
    if len(known) == 1:
        x[missing] = known[0]
        return x
    right = torch.searchsorted(known_pos, pos).clamp(1, len(known) - 1)
    a, b = known_pos[right - 1], known_pos[right]
    frac = ((pos - a) / (b - a)).clamp(0, 1)
    x[missing] = (known[right - 1] + frac * (known[right] - known[right - 1]))[missing]
    return x
'''),
    ],
    'data-outliers-iqr': [
        ("quartiles of the whole table (torch.quantile without dim=0): columns on other scales are flagged", '''
def iqr_outliers(x, k=1.5):
    if x.dim() not in (1, 2):
        raise ValueError("expected (N,) or (N, D)")
    if k < 0:
        raise ValueError("k must be >= 0")
    q1, q3 = torch.quantile(x, torch.tensor([0.25, 0.75], dtype=x.dtype))
    iqr = q3 - q1
    return (x < q1 - k * iqr) | (x > q3 + k * iqr)
'''),
        ("quartiles by rank without interpolation: sorted[N // 4] and sorted[3N // 4]", '''
def iqr_outliers(x, k=1.5):
    if x.dim() not in (1, 2):
        raise ValueError("expected (N,) or (N, D)")
    if k < 0:
        raise ValueError("k must be >= 0")
    s = x.sort(dim=0).values
    n = x.shape[0]
    q1, q3 = s[n // 4], s[3 * n // 4]
    iqr = q3 - q1
    return (x < q1 - k * iqr) | (x > q3 + k * iqr)
'''),
        ("Tukey's hinges (medians of the lower and upper halves) instead of interpolated quartiles", '''
def iqr_outliers(x, k=1.5):
    if x.dim() not in (1, 2):
        raise ValueError("expected (N,) or (N, D)")
    if k < 0:
        raise ValueError("k must be >= 0")
    s = x.sort(dim=0).values
    n = x.shape[0]
    half = (n + 1) // 2
    q1 = torch.quantile(s[:half], 0.5, dim=0)
    q3 = torch.quantile(s[n - half:], 0.5, dim=0)
    iqr = q3 - q1
    return (x < q1 - k * iqr) | (x > q3 + k * iqr)
'''),
        ("no checks: a 3-D input or a negative k is accepted", '''
def iqr_outliers(x, k=1.5):
    q1, q3 = torch.quantile(x, torch.tensor([0.25, 0.75], dtype=x.dtype), dim=0)
    iqr = q3 - q1
    return (x < q1 - k * iqr) | (x > q3 + k * iqr)
'''),
    ],
    'data-fix-leakage': [
        ("the lesson's function under the new name: statistics of all rows, validation rows drawn with replacement", '''
def prepare_splits(X, y, val_fraction, generator):
    mean, std = X.mean(dim=0), X.std(dim=0)
    X = (X - mean) / std
    n_val = round(val_fraction * len(X))
    train_rows = torch.randperm(len(X), generator=generator)[n_val:]
    val_rows = torch.randint(0, len(X), (n_val,), generator=generator)
    return X[train_rows], y[train_rows], X[val_rows], y[val_rows], mean, std
'''),
        ("disjoint parts, but the statistics still come from every row, before the split", '''
def prepare_splits(X, y, val_fraction, generator):
    mean, std = X.mean(dim=0), X.std(dim=0)
    n_val = round(val_fraction * len(X))
    order = torch.randperm(len(X), generator=generator)
    val_rows, train_rows = order[:n_val], order[n_val:]
    return (X[train_rows] - mean) / std, y[train_rows], (X[val_rows] - mean) / std, y[val_rows], mean, std
'''),
        ("the validation part standardised with its own statistics", '''
def prepare_splits(X, y, val_fraction, generator):
    n_val = round(val_fraction * len(X))
    order = torch.randperm(len(X), generator=generator)
    X_tr, X_va = X[order[n_val:]], X[order[:n_val]]
    mean, std = X_tr.mean(dim=0), X_tr.std(dim=0)
    X_va = (X_va - X_va.mean(dim=0)) / X_va.std(dim=0)
    return (X_tr - mean) / std, y[order[n_val:]], X_va, y[order[:n_val]], mean, std
'''),
        ("the rows drawn with torch's global generator: the split does not follow the generator", '''
def prepare_splits(X, y, val_fraction, generator):
    n_val = round(val_fraction * len(X))
    order = torch.randperm(len(X))
    val_rows, train_rows = order[:n_val], order[n_val:]
    mean, std = X[train_rows].mean(dim=0), X[train_rows].std(dim=0)
    return (X[train_rows] - mean) / std, y[train_rows], (X[val_rows] - mean) / std, y[val_rows], mean, std
'''),
        ("int() instead of round(): 29 rows at 0.3 give 8 validation rows instead of 9", '''
def prepare_splits(X, y, val_fraction, generator):
    n_val = int(val_fraction * len(X))
    order = torch.randperm(len(X), generator=generator)
    val_rows, train_rows = order[:n_val], order[n_val:]
    mean, std = X[train_rows].mean(dim=0), X[train_rows].std(dim=0)
    return (X[train_rows] - mean) / std, y[train_rows], (X[val_rows] - mean) / std, y[val_rows], mean, std
'''),
        ("the standard deviation divided by n instead of n - 1", '''
def prepare_splits(X, y, val_fraction, generator):
    n_val = round(val_fraction * len(X))
    order = torch.randperm(len(X), generator=generator)
    val_rows, train_rows = order[:n_val], order[n_val:]
    mean, std = X[train_rows].mean(dim=0), X[train_rows].std(dim=0, unbiased=False)
    return (X[train_rows] - mean) / std, y[train_rows], (X[val_rows] - mean) / std, y[val_rows], mean, std
'''),
        ("the labels taken in their original order: they no longer sit next to their rows", '''
def prepare_splits(X, y, val_fraction, generator):
    n_val = round(val_fraction * len(X))
    order = torch.randperm(len(X), generator=generator)
    val_rows, train_rows = order[:n_val], order[n_val:]
    mean, std = X[train_rows].mean(dim=0), X[train_rows].std(dim=0)
    return (X[train_rows] - mean) / std, y[n_val:], (X[val_rows] - mean) / std, y[:n_val], mean, std
'''),
    ],
    # ---------------------------------------------------------------- 02-model-selection
    'selection-majority-baseline': [
        ("no check for empty label sets: an empty y_eval gives accuracy nan", '''
def majority_baseline(y_train, y_eval):
    y_train, y_eval = torch.as_tensor(y_train), torch.as_tensor(y_eval)
    values, counts = torch.unique(y_train, return_counts=True)
    label = int(values[counts.argmax()])
    return label, (y_eval == label).double().mean().item()
'''),
        ("tensor methods on the arguments: plain lists of ints fail", '''
def majority_baseline(y_train, y_eval):
    if y_train.numel() == 0 or y_eval.numel() == 0:
        raise ValueError("empty labels")
    values, counts = y_train.unique(return_counts=True)
    label = int(values[counts.argmax()])
    return label, (y_eval == label).double().mean().item()
'''),
        ("Counter.most_common: a tie goes to the label seen first, not the smallest", '''
from collections import Counter


def majority_baseline(y_train, y_eval):
    y_train, y_eval = list(torch.as_tensor(y_train).tolist()), list(torch.as_tensor(y_eval).tolist())
    if not y_train or not y_eval:
        raise ValueError("empty labels")
    label = Counter(y_train).most_common(1)[0][0]
    return int(label), sum(y == label for y in y_eval) / len(y_eval)
'''),
    ],
    'selection-predict': [
        ("a curve named by its degree instead of its letter", '''
PREDICTIONS = {"overfits": 15, "underfits": "C", "generalises_best": "A", "train_below_noise": True}
'''),
        ("the last answer as a string", '''
PREDICTIONS = {"overfits": "B", "underfits": "C", "generalises_best": "A", "train_below_noise": "yes"}
'''),
        ("a key missing", '''
PREDICTIONS = {"overfits": "B", "underfits": "C", "train_below_noise": True}
'''),
        ("a letter that is not one of the curves", '''
PREDICTIONS = {"overfits": "D", "underfits": "C", "generalises_best": "A", "train_below_noise": False}
'''),
        ("a list of letters where one letter is asked for", '''
PREDICTIONS = {"overfits": ["B"], "underfits": "C", "generalises_best": "A", "train_below_noise": True}
'''),
        ("a number for the yes-or-no question", '''
PREDICTIONS = {"overfits": "B", "underfits": "C", "generalises_best": "A", "train_below_noise": 1}
'''),
    ],
    'selection-pick-best': [
        ("no checks: a missing parameter count is a KeyError, a negative tol is accepted", '''
def pick_best(val_scores, n_params, tol=0.0):
    best = max(val_scores.values())
    tied = [name for name, score in val_scores.items() if score >= best - tol]
    return min(tied, key=lambda name: (n_params[name], name))
'''),
        ("tolerance taken relative to the best score: score >= best * (1 - tol)", '''
def pick_best(val_scores, n_params, tol=0.0):
    if not val_scores:
        raise ValueError("no models")
    if set(val_scores) - set(n_params):
        raise ValueError("missing parameter counts")
    if tol < 0:
        raise ValueError("tol must be >= 0")
    best = max(val_scores.values())
    tied = [name for name, score in val_scores.items() if score >= best * (1 - tol)]
    return min(tied, key=lambda name: (n_params[name], name))
'''),
        ("breaks ties between equal parameter counts by dictionary order, not by name", '''
def pick_best(val_scores, n_params, tol=0.0):
    if not val_scores:
        raise ValueError("no models")
    if set(val_scores) - set(n_params):
        raise ValueError("missing parameter counts")
    if tol < 0:
        raise ValueError("tol must be >= 0")
    best = max(val_scores.values())
    tied = [name for name, score in val_scores.items() if score >= best - tol]
    return min(tied, key=lambda name: n_params[name])
'''),
    ],
    'selection-kfold': [
        ("the remainder goes to the last fold: folds of n // k, the last one longer", '''
def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError("need 2 <= k <= n")
    q = n // k
    everything = torch.arange(n)
    pairs = []
    for i in range(k):
        start, stop = i * q, (n if i == k - 1 else (i + 1) * q)
        pairs.append((torch.cat([everything[:start], everything[stop:]]), everything[start:stop]))
    return pairs
'''),
        ("torch.chunk-style folds of ceil(n / k): too few folds or wrong sizes", '''
def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError("need 2 <= k <= n")
    size = -(-n // k)
    everything = torch.arange(n)
    pairs = []
    for start in range(0, n, size):
        pairs.append((torch.cat([everything[:start], everything[start + size:]]), everything[start:start + size]))
    return pairs
'''),
        ("the extra indices go to the last folds instead of the first", '''
def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError("need 2 <= k <= n")
    q, r = divmod(n, k)
    everything = torch.arange(n)
    pairs, start = [], 0
    for i in range(k):
        size = q + 1 if i >= k - r else q
        pairs.append((torch.cat([everything[:start], everything[start + size:]]), everything[start:start + size]))
        start += size
    return pairs
'''),
        ("every k-th index (i::k) instead of contiguous folds", '''
def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError("need 2 <= k <= n")
    everything = torch.arange(n)
    pairs = []
    for i in range(k):
        val = everything[i::k]
        pairs.append((everything[everything % k != i], val))
    return pairs
'''),
        ("training indices out of order: the folds after the validation fold come first", '''
def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError("need 2 <= k <= n")
    q, r = divmod(n, k)
    everything = torch.arange(n)
    pairs, start = [], 0
    for i in range(k):
        size = q + 1 if i < r else q
        pairs.append((torch.cat([everything[start + size:], everything[:start]]), everything[start:start + size]))
        start += size
    return pairs
'''),
        ("no check of k: k = 1 gives one fold with nothing to train on, k > n empty folds", '''
def kfold_indices(n, k):
    q, r = divmod(n, k)
    everything = torch.arange(n)
    pairs, start = [], 0
    for i in range(k):
        size = q + 1 if i < r else q
        pairs.append((torch.cat([everything[:start], everything[start + size:]]), everything[start:start + size]))
        start += size
    return pairs
'''),
    ],
    # ---------------------------------------------------------------- 03-backprop
    'backprop-manual-grad': [
        ("no shape checks: y of shape (N, 1) broadcasts into an (N, N) residual", '''
def linear_mse_grads(X, y, w, b):
    n = X.shape[0]
    r = 2.0 / n * (X @ w + b - y)
    return X.T @ r, r.sum()
'''),
        ("converts everything to float32 first: float64 precision is lost", '''
def linear_mse_grads(X, y, w, b):
    if X.dim() != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(f"bad shapes {tuple(X.shape)}, {tuple(y.shape)}, {tuple(w.shape)}")
    X, y, w = X.float(), y.float(), w.float()
    b = torch.as_tensor(b, dtype=torch.float32)
    n = X.shape[0]
    r = 2.0 / n * (X @ w + b - y)
    return X.T @ r, r.sum()
'''),
        ("sums over the samples instead of averaging: forgets the 1/N of the mean", '''
def linear_mse_grads(X, y, w, b):
    if X.dim() != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(f"bad shapes {tuple(X.shape)}, {tuple(y.shape)}, {tuple(w.shape)}")
    r = 2.0 * (X @ w + b - y)
    return X.T @ r, r.sum()
'''),
        ("bias as b.reshape(1): a Python float b fails, and grad_b has shape (1,)", '''
def linear_mse_grads(X, y, w, b):
    if X.dim() != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(f"bad shapes {tuple(X.shape)}, {tuple(y.shape)}, {tuple(w.shape)}")
    n = X.shape[0]
    r = 2.0 / n * (X @ w + b.reshape(1) - y)
    return X.T @ r, r.sum(0, keepdim=True)
'''),
    ],
    'backprop-ops': [
        ("power accepts int exponents only: a float exponent such as 0.5 raises TypeError", '''
def mul(a, b):
    b = b if isinstance(b, Value) else Value(b)
    return Value(a.data * b.data, (a, b), (b.data, a.data), "*")


def power(a, k):
    if not isinstance(k, int):
        raise TypeError("power needs an int exponent")
    return Value(a.data**k, (a,), (k * a.data ** (k - 1),), f"**{k}")


def tanh(a):
    t = math.tanh(a.data)
    return Value(t, (a,), (1.0 - t * t,), "tanh")
'''),
        ("power unwraps a Value exponent like mul does, instead of raising TypeError", '''
def mul(a, b):
    b = b if isinstance(b, Value) else Value(b)
    return Value(a.data * b.data, (a, b), (b.data, a.data), "*")


def power(a, k):
    k = k.data if isinstance(k, Value) else k
    return Value(a.data**k, (a,), (k * a.data ** (k - 1),), f"**{k}")


def tanh(a):
    t = math.tanh(a.data)
    return Value(t, (a,), (1.0 - t * t,), "tanh")
'''),
        ("tanh's local derivative from the input: 1 - a^2 instead of 1 - tanh(a)^2", '''
def mul(a, b):
    b = b if isinstance(b, Value) else Value(b)
    return Value(a.data * b.data, (a, b), (b.data, a.data), "*")


def power(a, k):
    if not isinstance(k, (int, float)):
        raise TypeError("int or float exponent")
    return Value(a.data**k, (a,), (k * a.data ** (k - 1),), f"**{k}")


def tanh(a):
    return Value(math.tanh(a.data), (a,), (1.0 - a.data**2,), "tanh")
'''),
    ],
    'backprop-backward': [
        ("breadth-first search from the root, reversed: a node can come before a child reached by a longer path", '''
def topological_order(root):
    seen, queue = {id(root)}, [root]
    for node in queue:
        for child in node._children:
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)
    return queue[::-1]


def backward(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child, local in zip(node._children, node._local_grads):
            child.grad += local * node.grad
'''),
        ("backward pushes recursively down every path: a shared inner node passes its gradient on before it is complete", '''
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        for child in node._children:
            visit(child)
        order.append(node)

    visit(root)
    return order


def backward(root):
    root.grad = 1.0

    def push(node):
        for child, local in zip(node._children, node._local_grads):
            child.grad += local * node.grad
            push(child)

    push(root)
'''),
        ("walks the topological order forwards: leaves first, before any gradient has reached them", '''
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        for child in node._children:
            visit(child)
        order.append(node)

    visit(root)
    return order


def backward(root):
    root.grad = 1.0
    for node in topological_order(root):
        for child, local in zip(node._children, node._local_grads):
            child.grad += local * node.grad
'''),
    ],
    'backprop-batchnorm': [
        ("only the direct path: the mean and the variance treated as constants", '''
def batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):
    mu = x.mean(dim=0)
    var = ((x - mu) ** 2).mean(dim=0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    return grad_out * gamma * inv_std, (grad_out * x_hat).sum(dim=0), grad_out.sum(dim=0)
'''),
        ("the path through the mean, but not the one through the variance", '''
def batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):
    mu = x.mean(dim=0)
    var = ((x - mu) ** 2).mean(dim=0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = grad_out * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(dim=0))
    return dx, (grad_out * x_hat).sum(dim=0), grad_out.sum(dim=0)
'''),
        ("the variance divided by N - 1 (torch.var's default), unlike the forward pass", '''
def batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):
    n = x.shape[0]
    mu = x.mean(dim=0)
    inv_std = 1.0 / torch.sqrt(x.var(dim=0) + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = grad_out * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(dim=0) - x_hat * (dx_hat * x_hat).sum(dim=0))
    return dx, (grad_out * x_hat).sum(dim=0), grad_out.sum(dim=0)
'''),
        ("eps fixed at 1e-5 whatever the caller passes", '''
def batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):
    n = x.shape[0]
    mu = x.mean(dim=0)
    var = ((x - mu) ** 2).mean(dim=0)
    inv_std = 1.0 / torch.sqrt(var + 1e-5)
    x_hat = (x - mu) * inv_std
    dx_hat = grad_out * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(dim=0) - x_hat * (dx_hat * x_hat).sum(dim=0))
    return dx, (grad_out * x_hat).sum(dim=0), grad_out.sum(dim=0)
'''),
        ("dgamma and dbeta swapped", '''
def batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):
    n = x.shape[0]
    mu = x.mean(dim=0)
    var = ((x - mu) ** 2).mean(dim=0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = grad_out * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(dim=0) - x_hat * (dx_hat * x_hat).sum(dim=0))
    return dx, grad_out.sum(dim=0), (grad_out * x_hat).sum(dim=0)
'''),
        ("the gradient computed in float64 and returned in float64 whatever the input", '''
def batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):
    x, gamma, grad_out = x.double(), gamma.double(), grad_out.double()
    n = x.shape[0]
    mu = x.mean(dim=0)
    var = ((x - mu) ** 2).mean(dim=0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = grad_out * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(dim=0) - x_hat * (dx_hat * x_hat).sum(dim=0))
    return dx, (grad_out * x_hat).sum(dim=0), grad_out.sum(dim=0)
'''),
    ],
    # ---------------------------------------------------------------- 04-optimizers
    'optimizers-sgd-momentum-step': [
        ("ignores weight_decay", '''
def sgd_momentum_step(params, grads, bufs, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and momentum <= 0:
        raise ValueError("Nesterov needs momentum")
    new_params, new_bufs = [], []
    for theta, g, b in zip(params, grads, bufs):
        b = momentum * b + g
        update = g + momentum * b if nesterov else b
        new_params.append(theta - lr * update)
        new_bufs.append(b)
    return new_params, new_bufs
'''),
        ("Nesterov steps along g + mu * b with the buffer from before this step", '''
def sgd_momentum_step(params, grads, bufs, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and momentum <= 0:
        raise ValueError("Nesterov needs momentum")
    new_params, new_bufs = [], []
    for theta, g, b in zip(params, grads, bufs):
        g = g + weight_decay * theta
        new_b = momentum * b + g
        update = g + momentum * b if nesterov else new_b
        new_params.append(theta - lr * update)
        new_bufs.append(new_b)
    return new_params, new_bufs
'''),
        ("updates parameters and buffers in place (sub_, mul_, add_) and returns the same tensors", '''
def sgd_momentum_step(params, grads, bufs, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and momentum <= 0:
        raise ValueError("Nesterov needs momentum")
    for theta, g, b in zip(params, grads, bufs):
        g = g + weight_decay * theta
        b.mul_(momentum).add_(g)
        theta.sub_(lr * (g + momentum * b if nesterov else b))
    return params, bufs
'''),
        ("decays the weights outside the momentum: theta - lr * (b + lambda * theta)", '''
def sgd_momentum_step(params, grads, bufs, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and momentum <= 0:
        raise ValueError("Nesterov needs momentum")
    new_params, new_bufs = [], []
    for theta, g, b in zip(params, grads, bufs):
        b = momentum * b + g
        update = g + momentum * b if nesterov else b
        new_params.append(theta - lr * (update + weight_decay * theta))
        new_bufs.append(b)
    return new_params, new_bufs
'''),
        ("works in float32 (theta.float()): float64 parameters come back as float32", '''
def sgd_momentum_step(params, grads, bufs, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and momentum <= 0:
        raise ValueError("Nesterov needs momentum")
    new_params, new_bufs = [], []
    for theta, g, b in zip(params, grads, bufs):
        theta, g, b = theta.float(), g.float(), b.float()
        g = g + weight_decay * theta
        b = momentum * b + g
        update = g + momentum * b if nesterov else b
        new_params.append(theta - lr * update)
        new_bufs.append(b)
    return new_params, new_bufs
'''),
    ],
    'optimizers-rmsprop-step': [
        ("eps inside the square root: sqrt(v + eps)", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if not 0.0 <= alpha < 1.0:
        raise ValueError("alpha must be in [0, 1)")
    grad = grad + weight_decay * param
    square_avg = alpha * square_avg + (1 - alpha) * grad**2
    return param - lr * grad / (square_avg + eps).sqrt(), square_avg
'''),
        ("forgets the (1 - alpha) weight of the squared gradient: v = alpha v + g^2", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if not 0.0 <= alpha < 1.0:
        raise ValueError("alpha must be in [0, 1)")
    grad = grad + weight_decay * param
    square_avg = alpha * square_avg + grad**2
    return param - lr * grad / (square_avg.sqrt() + eps), square_avg
'''),
        ("returns the old state: square_avg is not carried over to the next step", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if not 0.0 <= alpha < 1.0:
        raise ValueError("alpha must be in [0, 1)")
    grad = grad + weight_decay * param
    new_avg = alpha * square_avg + (1 - alpha) * grad**2
    return param - lr * grad / (new_avg.sqrt() + eps), square_avg
'''),
        ("weight decay only in the step, not in the squared gradient", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if not 0.0 <= alpha < 1.0:
        raise ValueError("alpha must be in [0, 1)")
    square_avg = alpha * square_avg + (1 - alpha) * grad**2
    return param - lr * (grad + weight_decay * param) / (square_avg.sqrt() + eps), square_avg
'''),
        ("AdaGrad's sum instead of the moving average: v = v + g^2", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if not 0.0 <= alpha < 1.0:
        raise ValueError("alpha must be in [0, 1)")
    grad = grad + weight_decay * param
    square_avg = square_avg + grad**2
    return param - lr * grad / (square_avg.sqrt() + eps), square_avg
'''),
        ("updates square_avg in place (mul_, add_): the caller's state changes", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if not 0.0 <= alpha < 1.0:
        raise ValueError("alpha must be in [0, 1)")
    grad = grad + weight_decay * param
    square_avg.mul_(alpha).add_((1 - alpha) * grad**2)
    return param - lr * grad / (square_avg.sqrt() + eps), square_avg
'''),
        ("no check of alpha: alpha = 1 keeps v at 0 and divides by eps", '''
def rmsprop_step(param, grad, square_avg, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    grad = grad + weight_decay * param
    square_avg = alpha * square_avg + (1 - alpha) * grad**2
    return param - lr * grad / (square_avg.sqrt() + eps), square_avg
'''),
    ],
    'optimizers-adam-step': [
        ("eps inside the square root: sqrt(v_hat + eps)", '''
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    if t < 1:
        raise ValueError("t starts at 1")
    beta1, beta2 = betas
    if decoupled:
        param = param * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (v_hat + eps).sqrt(), m, v
'''),
        ("ignores weight_decay (and so decoupled)", '''
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    if t < 1:
        raise ValueError("t starts at 1")
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v
'''),
        ("AdamW decay without the learning rate: theta * (1 - lambda)", '''
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    if t < 1:
        raise ValueError("t starts at 1")
    beta1, beta2 = betas
    if decoupled:
        param = param * (1 - weight_decay)
    else:
        grad = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v
'''),
        ("no check of t: t = 0 divides by 1 - beta^0 = 0 and returns inf or nan", '''
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    beta1, beta2 = betas
    if decoupled:
        param = param * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v
'''),
        ("updates m and v in place (mul_, add_): the caller's state changes", '''
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    if t < 1:
        raise ValueError("t starts at 1")
    beta1, beta2 = betas
    if decoupled:
        param = param * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * param
    m.mul_(beta1).add_((1 - beta1) * grad)
    v.mul_(beta2).add_((1 - beta2) * grad**2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v
'''),
    ],
    'optimizers-cosine-schedule': [
        ("no clamp after T: the cosine turns back up past total_steps", '''
def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError("step must be >= 0")
    if not 0 <= warmup_steps < total_steps:
        raise ValueError("need 0 <= warmup_steps < total_steps")
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
'''),
        ("no checks of step, warmup_steps and total_steps", '''
def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
'''),
        ("warm-up from zero, base_lr * t / W: step 0 has learning rate 0", '''
def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError("step must be >= 0")
    if not 0 <= warmup_steps < total_steps:
        raise ValueError("need 0 <= warmup_steps < total_steps")
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
'''),
    ],
    # ---------------------------------------------------------------- 05-evaluation
    'evaluation-confusion-matrix': [
        ("a loop without range checks: a label -1 is counted in the last row, a label >= C is an IndexError", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    y_true, y_pred = torch.as_tensor(y_true).long(), torch.as_tensor(y_pred).long()
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    C = int(max(y_true.max(), y_pred.max())) + 1 if num_classes is None else num_classes
    m = torch.zeros(C, C, dtype=torch.long)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        m[t, p] += 1
    return m
'''),
        ("C from the true labels only: a predicted label above them does not fit", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    y_true, y_pred = torch.as_tensor(y_true).long(), torch.as_tensor(y_pred).long()
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    if (y_true < 0).any() or (y_pred < 0).any():
        raise ValueError("negative label")
    C = int(y_true.max()) + 1 if num_classes is None else num_classes
    if (y_true >= C).any() or (y_pred >= C).any():
        raise ValueError("label >= num_classes")
    return torch.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C)
'''),
        ("converts lists only: a NumPy array stays an array and fails", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    if isinstance(y_true, list):
        y_true, y_pred = torch.tensor(y_true), torch.tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    if (y_true < 0).any() or (y_pred < 0).any():
        raise ValueError("negative label")
    C = int(max(y_true.max(), y_pred.max())) + 1 if num_classes is None else num_classes
    if (y_true >= C).any() or (y_pred >= C).any():
        raise ValueError("label >= num_classes")
    return torch.bincount((y_true * C + y_pred).long(), minlength=C * C).reshape(C, C)
'''),
        ("flattens both inputs before comparing: shapes (6,) and (2, 3) are accepted", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    y_true = torch.as_tensor(y_true).long().reshape(-1)
    y_pred = torch.as_tensor(y_pred).long().reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    if (y_true < 0).any() or (y_pred < 0).any():
        raise ValueError("negative label")
    C = int(max(y_true.max(), y_pred.max())) + 1 if num_classes is None else num_classes
    if (y_true >= C).any() or (y_pred >= C).any():
        raise ValueError("label >= num_classes")
    return torch.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C)
'''),
    ],
    'evaluation-precision-recall-f1': [
        ("classes 0..max label: a label that occurs in neither input still counts (as zeros) in the macro mean", '''
def precision_recall_f1(y_true, y_pred, average="binary", pos_label=1):
    y_true, y_pred = torch.as_tensor(y_true).long(), torch.as_tensor(y_pred).long()
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    if average not in ("binary", "macro", "weighted", "micro"):
        raise ValueError(f"unknown average {average!r}")
    if average == "binary":
        if len(torch.cat([y_true, y_pred]).unique()) > 2:
            raise ValueError("binary needs two labels")
        y_true, y_pred = (y_true == pos_label).long(), (y_pred == pos_label).long()
    C = int(max(y_true.max(), y_pred.max())) + 1
    cm = torch.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C).double()
    tp = cm.diagonal()
    fp, fn = cm.sum(0) - tp, cm.sum(1) - tp
    if average == "binary":
        tp, fp, fn = tp[1:], fp[1:], fn[1:]
    if average == "micro":
        tp, fp, fn = tp.sum(0, keepdim=True), fp.sum(0, keepdim=True), fn.sum(0, keepdim=True)
    safe = lambda a, b: torch.where(b > 0, a / b.clamp(min=1), torch.zeros_like(a))
    p, r, f = safe(tp, tp + fp), safe(tp, tp + fn), safe(2 * tp, 2 * tp + fp + fn)
    w = (tp + fn) / (tp + fn).sum() if average == "weighted" else torch.full_like(tp, 1 / len(tp))
    return tuple(float((w * s).sum()) for s in (p, r, f))
'''),
        ("ignores pos_label: binary always scores class 1", '''
def precision_recall_f1(y_true, y_pred, average="binary", pos_label=1):
    y_true, y_pred = torch.as_tensor(y_true).long(), torch.as_tensor(y_pred).long()
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    if average not in ("binary", "macro", "weighted", "micro"):
        raise ValueError(f"unknown average {average!r}")
    present = torch.cat([y_true, y_pred]).unique()
    if average == "binary":
        if len(present) > 2:
            raise ValueError("binary needs two labels")
        y_true, y_pred = (y_true == 1).long(), (y_pred == 1).long()
        present = torch.tensor([1])
    C = int(present.max()) + 1
    cm = torch.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C).double()
    tp = cm.diagonal()[present]
    fp, fn = cm.sum(0)[present] - tp, cm.sum(1)[present] - tp
    if average == "micro":
        tp, fp, fn = tp.sum(0, keepdim=True), fp.sum(0, keepdim=True), fn.sum(0, keepdim=True)
    safe = lambda a, b: torch.where(b > 0, a / b.clamp(min=1), torch.zeros_like(a))
    p, r, f = safe(tp, tp + fp), safe(tp, tp + fn), safe(2 * tp, 2 * tp + fp + fn)
    w = (tp + fn) / (tp + fn).sum() if average == "weighted" else torch.full_like(tp, 1 / len(tp))
    return tuple(float((w * s).sum()) for s in (p, r, f))
'''),
        ("no checks: binary scores pos_label against the rest on a multi-class problem, an unknown average is macro", '''
def precision_recall_f1(y_true, y_pred, average="binary", pos_label=1):
    y_true, y_pred = torch.as_tensor(y_true).long(), torch.as_tensor(y_pred).long()
    present = torch.cat([y_true, y_pred]).unique()
    if average == "binary":
        y_true, y_pred = (y_true == pos_label).long(), (y_pred == pos_label).long()
        present = torch.tensor([1])
    C = int(present.max()) + 1
    cm = torch.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C).double()
    tp = cm.diagonal()[present]
    fp, fn = cm.sum(0)[present] - tp, cm.sum(1)[present] - tp
    if average == "micro":
        tp, fp, fn = tp.sum(0, keepdim=True), fp.sum(0, keepdim=True), fn.sum(0, keepdim=True)
    safe = lambda a, b: torch.where(b > 0, a / b.clamp(min=1), torch.zeros_like(a))
    p, r, f = safe(tp, tp + fp), safe(tp, tp + fn), safe(2 * tp, 2 * tp + fp + fn)
    w = (tp + fn) / (tp + fn).sum() if average == "weighted" else torch.full_like(tp, 1 / len(tp))
    return tuple(float((w * s).sum()) for s in (p, r, f))
'''),
        ("macro F1 as the harmonic mean of macro precision and macro recall", '''
def precision_recall_f1(y_true, y_pred, average="binary", pos_label=1):
    y_true, y_pred = torch.as_tensor(y_true).long(), torch.as_tensor(y_pred).long()
    if y_true.shape != y_pred.shape:
        raise ValueError("shapes differ")
    if average not in ("binary", "macro", "weighted", "micro"):
        raise ValueError(f"unknown average {average!r}")
    present = torch.cat([y_true, y_pred]).unique()
    if average == "binary":
        if len(present) > 2:
            raise ValueError("binary needs two labels")
        y_true, y_pred = (y_true == pos_label).long(), (y_pred == pos_label).long()
        present = torch.tensor([1])
    C = int(present.max()) + 1
    cm = torch.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C).double()
    tp = cm.diagonal()[present]
    fp, fn = cm.sum(0)[present] - tp, cm.sum(1)[present] - tp
    if average == "micro":
        tp, fp, fn = tp.sum(0, keepdim=True), fp.sum(0, keepdim=True), fn.sum(0, keepdim=True)
    safe = lambda a, b: torch.where(b > 0, a / b.clamp(min=1), torch.zeros_like(a))
    p, r = safe(tp, tp + fp), safe(tp, tp + fn)
    w = (tp + fn) / (tp + fn).sum() if average == "weighted" else torch.full_like(tp, 1 / len(tp))
    P, R = float((w * p).sum()), float((w * r).sum())
    return P, R, (2 * P * R / (P + R) if P + R > 0 else 0.0)
'''),
    ],
    'evaluation-roc-curve': [
        ("no checks: labels other than 0/1 pass, a y_true without negatives gives nan rates", '''
def roc_curve(y_true, scores):
    y = torch.as_tensor(y_true).double()
    s = torch.as_tensor(scores).double()
    order = torch.argsort(s, descending=True)
    s, y = s[order], y[order]
    last = torch.cat([s[1:] != s[:-1], torch.tensor([True])])
    tp = torch.cumsum(y, 0)[last]
    fp = torch.cumsum(1 - y, 0)[last]
    zero = torch.zeros(1, dtype=torch.float64)
    thr = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), s[last]])
    return torch.cat([zero, fp / fp[-1]]), torch.cat([zero, tp / tp[-1]]), thr
'''),
        ("keeps the scores' dtype: float32 scores give float32 thresholds", '''
def roc_curve(y_true, scores):
    y, s = torch.as_tensor(y_true), torch.as_tensor(scores)
    if y.shape != s.shape:
        raise ValueError("shapes differ")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("labels must be 0 or 1")
    y = y.double()
    P = y.sum()
    N = len(y) - P
    if P == 0 or N == 0:
        raise ValueError("need both classes")
    order = torch.argsort(s, descending=True)
    s, y = s[order], y[order]
    last = torch.cat([s[1:] != s[:-1], torch.tensor([True])])
    tp = torch.cumsum(y, 0)[last]
    fp = torch.arange(1, len(y) + 1, dtype=torch.float64)[last] - tp
    zero = torch.zeros(1, dtype=torch.float64)
    thr = torch.cat([torch.tensor([float("inf")], dtype=s.dtype), s[last]])
    return torch.cat([zero, fp / N]), torch.cat([zero, tp / P]), thr
'''),
        ("false positives as cumsum(1 - y): a bool y_true cannot be subtracted from", '''
def roc_curve(y_true, scores):
    y, s = torch.as_tensor(y_true), torch.as_tensor(scores).double()
    if y.shape != s.shape:
        raise ValueError("shapes differ")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("labels must be 0 or 1")
    order = torch.argsort(s, descending=True)
    s, y = s[order], y[order]
    neg = 1 - y
    P, N = float(y.sum()), float(neg.sum())
    if P == 0 or N == 0:
        raise ValueError("need both classes")
    last = torch.cat([s[1:] != s[:-1], torch.tensor([True])])
    tp = torch.cumsum(y, 0)[last].double()
    fp = torch.cumsum(neg, 0)[last].double()
    zero = torch.zeros(1, dtype=torch.float64)
    thr = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), s[last]])
    return torch.cat([zero, fp / N]), torch.cat([zero, tp / P]), thr
'''),
        ("keeps the first position of each run of tied scores, not the last", '''
def roc_curve(y_true, scores):
    y, s = torch.as_tensor(y_true).double(), torch.as_tensor(scores).double()
    if y.shape != s.shape:
        raise ValueError("shapes differ")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("labels must be 0 or 1")
    P = y.sum()
    N = len(y) - P
    if P == 0 or N == 0:
        raise ValueError("need both classes")
    order = torch.argsort(s, descending=True)
    s, y = s[order], y[order]
    first = torch.cat([torch.tensor([True]), s[1:] != s[:-1]])
    tp = torch.cumsum(y, 0)[first]
    fp = torch.arange(1, len(y) + 1, dtype=torch.float64)[first] - tp
    zero = torch.zeros(1, dtype=torch.float64)
    thr = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), s[first]])
    return torch.cat([zero, fp / N]), torch.cat([zero, tp / P]), thr
'''),
    ],
    # ---------------------------------------------------------------- 06-tuning
    'tuning-rbf-kernel': [
        ("squared distances through scipy's cdist on NumPy copies: float64 always, and no gradient", '''
from scipy.spatial.distance import cdist


def rbf_kernel(X1, X2, lengthscale=1.0, signal_var=1.0):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N, D) and X2 (M, D)")
    if lengthscale <= 0 or signal_var <= 0:
        raise ValueError("lengthscale and signal_var must be positive")
    sq = torch.from_numpy(cdist(X1.detach().numpy(), X2.detach().numpy(), "sqeuclidean"))
    return signal_var * torch.exp(-sq / (2 * lengthscale**2))
'''),
        ("casts the inputs to float32: float64 in gives float64's precision away", '''
def rbf_kernel(X1, X2, lengthscale=1.0, signal_var=1.0):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N, D) and X2 (M, D)")
    if lengthscale <= 0 or signal_var <= 0:
        raise ValueError("lengthscale and signal_var must be positive")
    X1, X2 = X1.float(), X2.float()
    sq = ((X1[:, None, :] - X2[None, :, :]) ** 2).sum(-1)
    return signal_var * torch.exp(-sq / (2 * lengthscale**2))
'''),
        ("treats signal_var as a standard deviation and squares it", '''
def rbf_kernel(X1, X2, lengthscale=1.0, signal_var=1.0):
    if X1.dim() != 2 or X2.dim() != 2 or X1.shape[1] != X2.shape[1]:
        raise ValueError("expected X1 (N, D) and X2 (M, D)")
    if lengthscale <= 0 or signal_var <= 0:
        raise ValueError("lengthscale and signal_var must be positive")
    sq = ((X1[:, None, :] - X2[None, :, :]) ** 2).sum(-1)
    return signal_var**2 * torch.exp(-sq / (2 * lengthscale**2))
'''),
    ],
    'tuning-gp-posterior': [
        ("ignores noise_var: a fixed jitter of 1e-8 on the diagonal instead", '''
def gp_posterior(K, K_star, k_star_star, y, noise_var=1e-6):
    N = K.shape[0]
    if K.shape != (N, N) or y.shape != (N,) or K_star.dim() != 2 or K_star.shape[0] != N \\
            or k_star_star.shape != (K_star.shape[1],):
        raise ValueError("shapes do not fit")
    L = torch.linalg.cholesky(K + 1e-8 * torch.eye(N, dtype=K.dtype))
    alpha = torch.cholesky_solve(y[:, None], L)
    v = torch.linalg.solve_triangular(L, K_star, upper=False)
    return (K_star.T @ alpha).squeeze(1), (k_star_star - (v**2).sum(0)).clamp_min(0).sqrt()
'''),
        ("std of the observations: adds noise_var to the posterior variance of f", '''
def gp_posterior(K, K_star, k_star_star, y, noise_var=1e-6):
    N = K.shape[0]
    if K.shape != (N, N) or y.shape != (N,) or K_star.dim() != 2 or K_star.shape[0] != N \\
            or k_star_star.shape != (K_star.shape[1],):
        raise ValueError("shapes do not fit")
    L = torch.linalg.cholesky(K + noise_var * torch.eye(N, dtype=K.dtype))
    alpha = torch.cholesky_solve(y[:, None], L)
    v = torch.linalg.solve_triangular(L, K_star, upper=False)
    var = k_star_star - (v**2).sum(0) + noise_var
    return (K_star.T @ alpha).squeeze(1), var.clamp_min(0).sqrt()
'''),
        ("checks y's shape only: a K_star or k_star_star that does not fit is not a ValueError", '''
def gp_posterior(K, K_star, k_star_star, y, noise_var=1e-6):
    if y.dim() != 1:
        raise ValueError("y must be (N,)")
    N = K.shape[0]
    L = torch.linalg.cholesky(K + noise_var * torch.eye(N, dtype=K.dtype))
    alpha = torch.cholesky_solve(y[:, None], L)
    v = torch.linalg.solve_triangular(L, K_star, upper=False)
    return (K_star.T @ alpha).squeeze(1), (k_star_star - (v**2).sum(0)).clamp_min(0).sqrt()
'''),
        ("solves with NumPy on detached copies: right values, but no gradient reaches K_star or y", '''
import numpy as np


def gp_posterior(K, K_star, k_star_star, y, noise_var=1e-6):
    N = K.shape[0]
    if K.shape != (N, N) or y.shape != (N,) or K_star.dim() != 2 or K_star.shape[0] != N \\
            or k_star_star.shape != (K_star.shape[1],):
        raise ValueError("shapes do not fit")
    A = K.detach().numpy() + noise_var * np.eye(N)
    Ks = K_star.detach().numpy()
    mean = Ks.T @ np.linalg.solve(A, y.detach().numpy())
    var = k_star_star.detach().numpy() - (Ks * np.linalg.solve(A, Ks)).sum(0)
    return torch.from_numpy(mean), torch.from_numpy(np.sqrt(np.clip(var, 0, None)))
'''),
    ],
    'tuning-expected-improvement': [
        ("divides by std itself inside torch.where: right values, but a nan gradient where std == 0", '''
def expected_improvement(mean, std, best, xi=0.0):
    if (std < 0).any():
        raise ValueError("std must be >= 0")
    improvement = best - mean - xi
    z = improvement / std
    ei = improvement * torch.special.ndtr(z) + std * torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return torch.where(std > 0, ei, improvement.clamp_min(0))
'''),
        ("xi only in the std == 0 branch: z and the first term use best - mean", '''
def expected_improvement(mean, std, best, xi=0.0):
    if (std < 0).any():
        raise ValueError("std must be >= 0")
    positive = std > 0
    safe = torch.where(positive, std, torch.ones_like(std))
    z = (best - mean) / safe
    ei = (best - mean) * torch.special.ndtr(z) + safe * torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return torch.where(positive, ei, (best - mean - xi).clamp_min(0))
'''),
        ("no check of std: a negative std gives a negative or meaningless EI", '''
def expected_improvement(mean, std, best, xi=0.0):
    improvement = best - mean - xi
    positive = std > 0
    safe = torch.where(positive, std, torch.ones_like(std))
    z = improvement / safe
    ei = improvement * torch.special.ndtr(z) + safe * torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return torch.where(positive, ei, improvement.clamp_min(0))
'''),
    ],
    'tuning-target': [
        ("the recipe of the searches above: 32 hidden units, 5 epochs of 256-image batches", '''
CONFIG = dict(hidden=32, lr=0.68, weight_decay=1.4e-3, epochs=5, batch_size=256)
'''),
        ("a learning rate so small that 20 epochs barely move the weights", '''
CONFIG = dict(hidden=128, lr=0.001, weight_decay=1e-3, epochs=20, batch_size=32)
'''),
        ("epochs written as a float", '''
CONFIG = dict(hidden=128, lr=0.1, weight_decay=1e-3, epochs=20.0, batch_size=32)
'''),
        ("a momentum key that train_digits does not take", '''
CONFIG = dict(hidden=128, lr=0.1, weight_decay=1e-3, epochs=20, batch_size=32, momentum=0.9)
'''),
        ("a network wider than the allowed range", '''
CONFIG = dict(hidden=1024, lr=0.1, weight_decay=1e-3, epochs=20, batch_size=32)
'''),
        ("weight decay far beyond the allowed range", '''
CONFIG = dict(hidden=128, lr=0.1, weight_decay=0.5, epochs=20, batch_size=32)
'''),
    ],
    # ---------------------------------------------------------------- 07-initialization-normalization
    'initialization-kaiming-normal': [
        ("the fan-in read from shape[0], which is D_out in PyTorch's (D_out, D_in) layout", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode")
    if weight.dim() < 2:
        raise ValueError("shape")
    kernel = math.prod(weight.shape[2:])
    fan = weight.shape[0] * kernel if mode == "fan_in" else weight.shape[1] * kernel
    with torch.no_grad():
        return weight.normal_(0.0, math.sqrt(2.0) / math.sqrt(fan), generator=generator)
'''),
        ("the variance 2 / fan passed where normal_ expects a standard deviation", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode")
    if weight.dim() < 2:
        raise ValueError("shape")
    kernel = math.prod(weight.shape[2:])
    fan = weight.shape[1] * kernel if mode == "fan_in" else weight.shape[0] * kernel
    with torch.no_grad():
        return weight.normal_(0.0, 2.0 / fan, generator=generator)
'''),
        ("the kernel's size left out of a convolution's fan", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode")
    if weight.dim() < 2:
        raise ValueError("shape")
    fan = weight.shape[1] if mode == "fan_in" else weight.shape[0]
    with torch.no_grad():
        return weight.normal_(0.0, math.sqrt(2.0) / math.sqrt(fan), generator=generator)
'''),
        ("Xavier's 1 / fan variance, without ReLU's factor 2", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode")
    if weight.dim() < 2:
        raise ValueError("shape")
    kernel = math.prod(weight.shape[2:])
    fan = weight.shape[1] * kernel if mode == "fan_in" else weight.shape[0] * kernel
    with torch.no_grad():
        return weight.normal_(0.0, 1.0 / math.sqrt(fan), generator=generator)
'''),
        ("a new tensor returned instead of filling weight in place", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode")
    if weight.dim() < 2:
        raise ValueError("shape")
    kernel = math.prod(weight.shape[2:])
    fan = weight.shape[1] * kernel if mode == "fan_in" else weight.shape[0] * kernel
    return torch.empty_like(weight).normal_(0.0, math.sqrt(2.0) / math.sqrt(fan), generator=generator)
'''),
        ("no torch.no_grad(): a parameter that requires gradients cannot be filled in place", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode")
    if weight.dim() < 2:
        raise ValueError("shape")
    kernel = math.prod(weight.shape[2:])
    fan = weight.shape[1] * kernel if mode == "fan_in" else weight.shape[0] * kernel
    return weight.normal_(0.0, math.sqrt(2.0) / math.sqrt(fan), generator=generator)
'''),
        ("an unknown mode silently treated as fan_out", '''
def kaiming_normal_(weight, mode="fan_in", generator=None):
    if weight.dim() < 2:
        raise ValueError("shape")
    kernel = math.prod(weight.shape[2:])
    fan = weight.shape[1] * kernel if mode == "fan_in" else weight.shape[0] * kernel
    with torch.no_grad():
        return weight.normal_(0.0, math.sqrt(2.0) / math.sqrt(fan), generator=generator)
'''),
    ],
    'normalization-predict': [
        ("a number written as a string", '''
PREDICTIONS = {"running_mean": "0.4", "running_var": 1.5667, "eval_first": 0.48, "eval_depends_on_batch": False}
'''),
        ("a key missing", '''
PREDICTIONS = {"running_mean": 0.4, "running_var": 1.4, "eval_depends_on_batch": False}
'''),
        ("yes or no written as a number", '''
PREDICTIONS = {"running_mean": 0.4, "running_var": 1.5667, "eval_first": 0.48, "eval_depends_on_batch": 0}
'''),
        ("a bool where a number is asked for", '''
PREDICTIONS = {"running_mean": 0.4, "running_var": 1.5667, "eval_first": False, "eval_depends_on_batch": False}
'''),
        ("the running variance as a one-element list, the shape of bn.running_var", '''
PREDICTIONS = {"running_mean": 0.4, "running_var": [1.5667], "eval_first": 0.48, "eval_depends_on_batch": False}
'''),
    ],
    'normalization-layer-norm': [
        ("the unbiased variance of x.var(dim=-1), dividing by D - 1", '''
def layer_norm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True)
    y = (x - mu) / torch.sqrt(x.var(dim=-1, keepdim=True) + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("statistics over the batch dimension: batch normalization", '''
def layer_norm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(dim=0, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=0, keepdim=True)
    y = (x - mu) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("eps added to the standard deviation instead of the variance", '''
def layer_norm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    y = (x - mu) / (torch.sqrt(var) + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("the variance as mean(x^2) - mu^2, which cancels in float32", '''
def layer_norm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True)
    var = (x ** 2).mean(dim=-1, keepdim=True) - mu ** 2
    y = (x - mu) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("weight and bias always applied: None is not handled", '''
def layer_norm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * weight + bias
'''),
        ("the statistics detached: no gradient flows through the mean and the variance", '''
def layer_norm(x, weight=None, bias=None, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True).detach()
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True).detach()
    y = (x - mu) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
    ],
    # ---------------------------------------------------------------- 08-diagnosing-training
    'diagnosing-clip-grad-norm': [
        ("the per-tensor norms added up instead of taking their norm", '''
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    with torch.no_grad():
        total = sum(torch.linalg.vector_norm(g, norm_type) for g in grads)
        factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(factor)
    return total
'''),
        ("each tensor clipped by its own norm, which changes the direction of the whole gradient", '''
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    with torch.no_grad():
        norms = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads])
        for g, n in zip(grads, norms):
            g.mul_(torch.clamp(max_norm / (n + 1e-6), max=1.0))
    return torch.linalg.vector_norm(norms, norm_type)
'''),
        ("the norm returned after clipping, not before", '''
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    with torch.no_grad():
        total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]), norm_type)
        factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(factor)
        return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]), norm_type)
'''),
        ("the factor not capped at 1: small gradients are lengthened to max_norm", '''
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    with torch.no_grad():
        total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]), norm_type)
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return total
'''),
        ("always the 2-norm: norm_type ignored", '''
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    with torch.no_grad():
        total = torch.sqrt(sum((g ** 2).sum() for g in grads))
        factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(factor)
    return total
'''),
        ("a tensor without a gradient not skipped: reading its .grad fails", '''
def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    with torch.no_grad():
        norms = torch.stack([torch.linalg.vector_norm(p.grad, norm_type) for p in parameters])
        total = torch.linalg.vector_norm(norms, norm_type)
        factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for p in parameters:
            p.grad.mul_(factor)
    return total
'''),
    ],
    'diagnosing-runs': [
        ("a cause written in words of one's own", '''
DIAGNOSIS = {"A": "no zero_grad", "B": "lr_too_large", "C": "lr_too_small", "D": "shuffled_labels", "E": "none"}
'''),
        ("a run left out", '''
DIAGNOSIS = {"A": "missing_zero_grad", "B": "lr_too_large", "C": "lr_too_small", "D": "shuffled_labels"}
'''),
        ("one cause given to two runs", '''
DIAGNOSIS = {"A": "lr_too_large", "B": "lr_too_large", "C": "lr_too_small", "D": "shuffled_labels", "E": "none"}
'''),
        ("lowercase letters as keys", '''
DIAGNOSIS = {"a": "missing_zero_grad", "b": "lr_too_large", "c": "lr_too_small", "d": "shuffled_labels", "e": "none"}
'''),
        ("None for a healthy run instead of the string \"none\"", '''
DIAGNOSIS = {"A": "missing_zero_grad", "B": "lr_too_large", "C": "lr_too_small", "D": "shuffled_labels", "E": None}
'''),
    ],
}
