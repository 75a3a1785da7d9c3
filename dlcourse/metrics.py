"""Evaluation metrics (scikit-learn's argument order: ``y_true`` first)."""

from __future__ import annotations

import torch
from torch import Tensor


def accuracy(y_true: Tensor, y_pred: Tensor) -> float:
    """Fraction of correct predictions.

    ``y_pred`` holds labels of ``y_true``'s shape, or scores/logits with one more dimension
    (classes on dim 1), in which case the arg-max is the prediction.

    >>> accuracy(torch.tensor([0, 1, 1]), torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0]]))
    0.6666666666666666
    """
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_pred.dim() == y_true.dim() + 1:
        y_pred = y_pred.argmax(dim=1)
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_pred must have y_true's shape {tuple(y_true.shape)} (or one more class dimension), "
                         f"got {tuple(y_pred.shape)}")
    if y_true.numel() == 0:
        raise ValueError("accuracy of an empty set is undefined")
    return (y_pred == y_true).double().mean().item()


def _labels(y) -> Tensor:
    """Labels as a 1-D int64 tensor on the CPU (from a tensor, a NumPy array or a list)."""
    y = torch.as_tensor(y)
    if y.dim() != 1:
        raise ValueError(f"labels must be 1-D, got shape {tuple(y.shape)}")
    if y.is_floating_point() and not torch.equal(y, y.round()):
        raise ValueError("labels must be integers; for scores use roc_curve / precision_recall_curve")
    return y.detach().cpu().long()


def _pair(y_true, y_pred) -> tuple[Tensor, Tensor]:
    y_true, y_pred = _labels(y_true), _labels(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y_true)} and {len(y_pred)}")
    if y_true.numel() == 0:
        raise ValueError("metrics of an empty set are undefined")
    if min(y_true.min().item(), y_pred.min().item()) < 0:
        raise ValueError("class labels must be integers >= 0")
    return y_true, y_pred


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> Tensor:
    """Counts :math:`C_{ij}` of samples of true class :math:`i` predicted as class :math:`j`, shape (C, C).

    Classes are the integers ``0 .. C-1``, with ``C = num_classes`` or one more than the largest label seen.
    Rows are true classes, columns predictions (scikit-learn's layout); in the binary case
    ``[[TN, FP], [FN, TP]]``.

    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    tensor([[1, 0, 0],
            [0, 1, 1],
            [0, 0, 1]])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    seen = max(y_true.max().item(), y_pred.max().item()) + 1
    c = seen if num_classes is None else num_classes
    if c < seen:
        raise ValueError(f"num_classes={num_classes} but label {seen - 1} occurs")
    flat = y_true * c + y_pred                                   # (N,) index into the flattened C x C matrix
    return torch.bincount(flat, minlength=c * c).reshape(c, c)   # (C*C,) -> (C, C)


def _divide(num: Tensor, den: Tensor) -> Tensor:
    """num / den with 0 where den == 0 (scikit-learn's ``zero_division=0``)."""
    return torch.where(den > 0, num / den.clamp(min=1), torch.zeros_like(num))


def precision_recall_f1(y_true, y_pred, average: str = "binary", pos_label: int = 1,
                        num_classes: int | None = None) -> tuple[float, float, float]:
    """Precision :math:`TP/(TP+FP)`, recall :math:`TP/(TP+FN)` and F1 :math:`2TP/(2TP+FP+FN)` (their harmonic mean).

    ``average``:

    - ``"binary"``: of the class ``pos_label`` only (labels must be two classes);
    - ``"macro"``: the plain mean over classes, each class counting the same;
    - ``"weighted"``: the mean over classes weighted by their support (number of true samples);
    - ``"micro"``: from TP, FP, FN summed over classes (for single-label data all three equal accuracy).

    Classes are those that occur in ``y_true`` or ``y_pred`` (or ``0 .. num_classes-1`` when given). A ratio
    with a zero denominator counts as 0, like scikit-learn's ``zero_division=0``.

    >>> precision_recall_f1([0, 1, 1, 1], [1, 1, 1, 0])
    (0.6666666666666666, 0.6666666666666666, 0.6666666666666666)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    cm = confusion_matrix(y_true, y_pred, num_classes).double()  # (C, C)
    tp = cm.diagonal()                                            # (C,)
    fp = cm.sum(dim=0) - tp                                       # predicted as c, but not c
    fn = cm.sum(dim=1) - tp                                       # truly c, predicted otherwise
    present = torch.nonzero(cm.sum(0) + cm.sum(1)).squeeze(1)    # classes that occur in y_true or y_pred
    if average == "binary":
        if len(present) > 2 or (num_classes is not None and num_classes > 2):
            raise ValueError(f"average='binary' needs two classes, got {present.tolist()}; "
                             "use average='macro', 'micro' or 'weighted'")
        if len(present) == 2 and pos_label not in present.tolist():
            raise ValueError(f"pos_label={pos_label} is not one of the labels {present.tolist()}")
        if pos_label >= len(tp):
            return 0.0, 0.0, 0.0   # the positive class never occurs: every ratio is 0/0
        k = pos_label
        tp, fp, fn = tp[k:k + 1], fp[k:k + 1], fn[k:k + 1]
    elif average == "micro":
        tp, fp, fn = tp.sum(0, keepdim=True), fp.sum(0, keepdim=True), fn.sum(0, keepdim=True)
    elif average in ("macro", "weighted"):
        if num_classes is None:   # only the classes that occur, like scikit-learn's default labels
            tp, fp, fn = tp[present], fp[present], fn[present]
    else:
        raise ValueError(f"average must be 'binary', 'micro', 'macro' or 'weighted', got {average!r}")
    precision = _divide(tp, tp + fp)
    recall = _divide(tp, tp + fn)
    f1 = _divide(2 * tp, 2 * tp + fp + fn)
    support = tp + fn
    weights = _divide(support, support.sum().expand_as(support)) if average == "weighted" \
        else torch.full_like(tp, 1 / len(tp))
    return tuple((weights * m).sum().item() for m in (precision, recall, f1))


def _scores(y_true, scores) -> tuple[Tensor, Tensor]:
    y = _labels(y_true)
    s = torch.as_tensor(scores).detach().cpu().double()
    if s.shape != y.shape:
        raise ValueError(f"scores must have y_true's shape {tuple(y.shape)}, got {tuple(s.shape)}")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("y_true must hold binary labels 0 and 1")
    if torch.isnan(s).any():
        raise ValueError("scores contain NaN")
    return y, s


def _counts_at_thresholds(y: Tensor, s: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """False and true positives when predicting 1 for ``score >= t``, for every distinct score t, descending."""
    s, order = torch.sort(s, descending=True)   # ties may come in any order: only a run's end is kept
    y = y[order].double()
    last = torch.cat([s[1:] != s[:-1], torch.tensor([True])])   # last index of each run of equal scores
    tps = torch.cumsum(y, 0)[last]
    fps = torch.arange(1, len(y) + 1, dtype=torch.float64)[last] - tps
    return fps, tps, s[last]


def roc_curve(y_true, scores) -> tuple[Tensor, Tensor, Tensor]:
    """Receiver operating characteristic: false-positive rate :math:`FP/(FP+TN)` and true-positive rate
    (recall) :math:`TP/(TP+FN)` when predicting positive for ``score >= threshold``.

    Thresholds are every distinct score, descending, after ``inf`` (nothing predicted positive), so the
    curve runs from (0, 0) to (1, 1). Equal to ``sklearn.metrics.roc_curve(..., drop_intermediate=False)``.
    """
    y, s = _scores(y_true, scores)
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError("roc_curve needs both classes in y_true")
    fps, tps, thresholds = _counts_at_thresholds(y, s)
    zero = torch.zeros(1, dtype=torch.float64)
    fps, tps = torch.cat([zero, fps]), torch.cat([zero, tps])
    thresholds = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), thresholds])
    return fps / fps[-1], tps / tps[-1], thresholds


def precision_recall_curve(y_true, scores) -> tuple[Tensor, Tensor, Tensor]:
    """Precision and recall when predicting positive for ``score >= threshold``, thresholds increasing.

    As in scikit-learn: ``precision`` and ``recall`` have one more entry than ``thresholds``, the point
    (recall 0, precision 1) appended at the end, and recall decreases along the arrays.
    """
    y, s = _scores(y_true, scores)
    if y.sum() == 0:
        raise ValueError("precision_recall_curve needs at least one positive in y_true")
    fps, tps, thresholds = _counts_at_thresholds(y, s)
    precision = tps / (tps + fps)       # every threshold predicts at least one sample positive
    recall = tps / tps[-1]
    one, zero = torch.ones(1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    return torch.cat([precision.flip(0), one]), torch.cat([recall.flip(0), zero]), thresholds.flip(0)


def average_precision(y_true, scores) -> float:
    """Area under the precision-recall curve as a step function: :math:`\\sum_n (R_n - R_{n-1}) P_n`.

    Equal to ``sklearn.metrics.average_precision_score``; a random ranking scores the positive rate.
    """
    precision, recall, _ = precision_recall_curve(y_true, scores)
    return -(torch.diff(recall) * precision[:-1]).sum().item()


def auc(x, y) -> float:
    """Area under a curve by the trapezoidal rule, :math:`\\sum_i (x_{i+1}-x_i)(y_{i+1}+y_i)/2`; ``x`` monotonic.

    >>> auc([0.0, 0.5, 1.0], [0.0, 1.0, 1.0])
    0.75
    """
    x, y = torch.as_tensor(x).double(), torch.as_tensor(y).double()
    if x.shape != y.shape or x.dim() != 1 or len(x) < 2:
        raise ValueError("auc needs two 1-D sequences of the same length >= 2")
    dx = torch.diff(x)
    if bool((dx < 0).any()) and bool((dx > 0).any()):
        raise ValueError("x must be monotonic (increasing or decreasing)")
    area = torch.trapezoid(y, x).item()
    return -area if bool((dx <= 0).all()) else area


def sensitivity_specificity(y_true, scores, threshold: float) -> tuple[float, float]:
    """Sensitivity :math:`TP/(TP+FN)` and specificity :math:`TN/(TN+FP)` when predicting 1 for ``score >= threshold``.

    Sensitivity is the recall of the positive class (a diagnostic test's share of the sick it finds), specificity
    the recall of the negative class (its share of the healthy it clears); both are independent of the prevalence.
    ``scores`` are probabilities or logits of shape (N,); ``y_true`` holds 0 and 1 and must contain both.

    >>> sensitivity_specificity([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8], 0.5)
    (0.5, 0.5)
    """
    if not isinstance(scores, Tensor):
        scores = torch.as_tensor(scores, dtype=torch.float64)   # a list of 0.7s stays 0.7, not float32's 0.69999999
    y, s = _scores(y_true, scores)
    positives = int(y.sum())
    if positives == 0 or positives == len(y):
        raise ValueError("sensitivity and specificity need both classes in y_true")
    pred = (s >= threshold).long()
    (tn, fp), (fn, tp) = confusion_matrix(y, pred, num_classes=2).tolist()  # [[TN, FP], [FN, TP]]
    return tp / (tp + fn), tn / (tn + fp)


def threshold_for_sensitivity(y_true, scores, min_sensitivity: float) -> float:
    """The largest threshold :math:`t` whose sensitivity (predicting 1 for ``score >= t``) is at least
    ``min_sensitivity``; raising :math:`t` only removes positive predictions, so it has the best specificity of all
    thresholds that reach the target. :math:`t` is one of the scores, read off the ROC curve.

    >>> threshold_for_sensitivity([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8], 0.9)
    0.4
    """
    if not 0 < min_sensitivity <= 1:
        raise ValueError(f"min_sensitivity must be in (0, 1], got {min_sensitivity}")
    if not isinstance(scores, Tensor):
        scores = torch.as_tensor(scores, dtype=torch.float64)
    _, tpr, thresholds = roc_curve(y_true, scores)   # tpr rises as the threshold falls
    k = int(torch.nonzero(tpr >= min_sensitivity)[0])   # first (largest) threshold that reaches the target
    return thresholds[k].item()
