"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # 05-applications/04-medicine
    'medicine-sensitivity': [
        ("sensitivity as precision and specificity as the negative predictive value: divided by the predictions", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("bad input")
    pred = s >= threshold
    tp, tn = int((pred & (y == 1)).sum()), int((~pred & (y == 0)).sum())
    return tp / int(pred.sum()), tn / int((~pred).sum())
'''),
        ("a score equal to the threshold predicted negative (score > threshold)", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("bad input")
    pred = s > threshold
    return int((pred & (y == 1)).sum()) / int((y == 1).sum()), int((~pred & (y == 0)).sum()) / int((y == 0).sum())
'''),
        ("0-dimensional tensors returned instead of floats", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("bad input")
    pred = s >= threshold
    return (pred & (y == 1)).sum() / (y == 1).sum(), (~pred & (y == 0)).sum() / (y == 0).sum()
'''),
        ("no check that both classes are present: 0 / 0 gives nan instead of an error", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("bad input")
    pred = s >= threshold
    tp, tn = int((pred & (y == 1)).sum()), int((~pred & (y == 0)).sum())
    p, n = int((y == 1).sum()), int((y == 0).sum())
    return tp / p if p else float("nan"), tn / n if n else float("nan")
'''),
    ],
    'medicine-predict': [
        ("the accuracy as a percentage", '''
PREDICTION = {"accuracy": 94.7, "sensitivity": 0.0}
'''),
        ("the sensitivity in words", '''
PREDICTION = {"accuracy": 0.947, "sensitivity": "zero"}
'''),
        ("a key missing", '''
PREDICTION = {"accuracy": 0.947}
'''),
    ],
    'medicine-threshold': [
        ("the thresholds searched from the smallest up: the first one reaches any target by calling everything positive", '''
def choose_threshold(y_val, scores_val, min_sensitivity):
    y = torch.as_tensor(y_val).long()
    s = torch.as_tensor(scores_val, dtype=torch.float64)
    for t in sorted(set(s.tolist())):
        if ((s >= t) & (y == 1)).sum().item() / (y == 1).sum().item() >= min_sensitivity:
            return float(t)
'''),
        ("Youden's index (sensitivity + specificity) maximised, the target ignored", '''
def choose_threshold(y_val, scores_val, min_sensitivity):
    y = torch.as_tensor(y_val).long()
    s = torch.as_tensor(scores_val, dtype=torch.float64)
    best, best_j = None, -1.0
    for t in sorted(set(s.tolist()), reverse=True):
        pred = s >= t
        j = (pred & (y == 1)).sum().item() / (y == 1).sum().item() + (~pred & (y == 0)).sum().item() / (y == 0).sum().item()
        if j > best_j:
            best, best_j = t, j
    return float(best)
'''),
        ("a quantile of the positives' scores, interpolated between two of them", '''
def choose_threshold(y_val, scores_val, min_sensitivity):
    y = torch.as_tensor(y_val).long()
    s = torch.as_tensor(scores_val, dtype=torch.float64)
    return torch.quantile(s[y == 1], 1 - min_sensitivity).item()
'''),
    ],
    'medicine-ece': [
        ("bins closed on the left (floor(p * M)), 1.0 clamped into the last bin", '''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = torch.as_tensor(y_true).double()
    p = torch.as_tensor(probs, dtype=torch.float64)
    if y.shape != p.shape or len(y) == 0 or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("bad input")
    b = (p * n_bins).floor().long().clamp(max=n_bins - 1)
    pos = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, y)
    pred = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, p)
    return ((pos - pred).abs().sum() / len(p)).item()
'''),
        ("the plain mean of the per-bin gaps, not weighted by the bins' sizes", '''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = torch.as_tensor(y_true).double()
    p = torch.as_tensor(probs, dtype=torch.float64)
    if y.shape != p.shape or len(y) == 0 or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("bad input")
    b = torch.searchsorted(torch.linspace(0, 1, n_bins + 1, dtype=torch.float64)[1:-1], p)
    n = torch.bincount(b, minlength=n_bins).double()
    pos = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, y)
    pred = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, p)
    full = n > 0
    return ((pos[full] - pred[full]).abs() / n[full]).mean().item()
'''),
        ("the mean of |y - p| over single cases: no bins", '''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = torch.as_tensor(y_true).double()
    p = torch.as_tensor(probs, dtype=torch.float64)
    if y.shape != p.shape or len(y) == 0 or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("bad input")
    return (y - p).abs().mean().item()
'''),
    ],
}
