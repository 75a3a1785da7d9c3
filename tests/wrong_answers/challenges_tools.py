"""Plausible wrong answers for Chapter 6's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-challenges

    # ---------------------------------------------------------------- 02-lightweight-models

    # ---------------------------------------------------------------- 03-reinforcement-learning

    # ---------------------------------------------------------------- 04-cross-modal-ethics-safety
    'ethics-fairness': [
        ("the TPR and FPR divided by the group's size instead of by its positive and negative labels", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    approve, tpr, fpr = [], [], []
    for c in torch.unique(a):
        m = a == c
        if int((y[m] == 1).sum()) == 0 or int((y[m] == 0).sum()) == 0:
            raise ValueError("group")
        approve.append(p[m].double().mean().item())
        tpr.append(int((p[m] & y[m]).sum()) / int(m.sum()))
        fpr.append(int((p[m] & (1 - y[m])).sum()) / int(m.sum()))
    return max(approve) - min(approve), max(max(tpr) - min(tpr), max(fpr) - min(fpr))
'''),
        ("equal opportunity: only the true-positive rates compared", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    approve, tpr = [], []
    for c in torch.unique(a):
        m = a == c
        if int((y[m] == 1).sum()) == 0 or int((y[m] == 0).sum()) == 0:
            raise ValueError("group")
        approve.append(p[m].double().mean().item())
        tpr.append(p[m & (y == 1)].double().mean().item())
    return max(approve) - min(approve), max(tpr) - min(tpr)
'''),
        ("the groups taken as 0 and 1: other codes and a third group ignored", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    rates = []
    for c in (0, 1):
        m = a == c
        if int((y[m] == 1).sum()) == 0 or int((y[m] == 0).sum()) == 0:
            raise ValueError("group")
        rates.append((p[m].double().mean().item(), p[m & (y == 1)].double().mean().item(),
                      p[m & (y == 0)].double().mean().item()))
    (s0, t0, f0), (s1, t1, f1) = rates
    return abs(s0 - s1), max(abs(t0 - t1), abs(f0 - f1))
'''),
        ("no check for a group without positives or negatives: nan instead of an error", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    approve, tpr, fpr = [], [], []
    for c in torch.unique(a):
        m = a == c
        approve.append(p[m].double().mean().item())
        tpr.append(p[m & (y == 1)].double().mean().item())
        fpr.append(p[m & (y == 0)].double().mean().item())
    return max(approve) - min(approve), max(max(tpr) - min(tpr), max(fpr) - min(fpr))
'''),
    ],
    'ethics-predict': [
        ("the advantages as percentages", '''
PREDICTION = {"overfit": 24.3, "early": 11.7}
'''),
        ("a key missing", '''
PREDICTION = {"overfit": 0.243}
'''),
        ("an answer in words", '''
PREDICTION = {"overfit": "larger", "early": "smaller"}
'''),
    ],
    'safety-fgsm-grad': [
        ("the sign of y - p: a step down the loss", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    if x.dim() != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],):
        raise ValueError("shapes")
    p = torch.sigmoid(x @ w + b)
    return x + eps * torch.sign((y.to(x.dtype) - p)[:, None] * w[None, :])
'''),
        ("the gradient itself, without the sign", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    if x.dim() != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],):
        raise ValueError("shapes")
    p = torch.sigmoid(x @ w + b)
    return x + eps * (p - y.to(x.dtype))[:, None] * w[None, :]
'''),
        ("sign(w) alone: the label ignored", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    if x.dim() != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],):
        raise ValueError("shapes")
    return x + eps * torch.sign(w)[None, :].expand_as(x)
'''),
        ("no shape checks", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    p = torch.sigmoid(x @ w + b)
    return x + eps * torch.sign((p - y.to(x.dtype))[..., None] * w)
'''),
    ],

    # ---------------------------------------------------------------- 05-tools-frameworks

    # ---------------------------------------------------------------- 06-outlook

}
