"""dlcourse.metrics against scikit-learn (zero_division=0) on random labels, as tensors, arrays and lists."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
import torch

from dlcourse import metrics

CONVERSIONS = [torch.as_tensor, np.asarray, list]


def _labels(seed, n, k, skip=None):
    g = torch.Generator().manual_seed(seed)
    y_true = torch.randint(0, k, (n,), generator=g)
    y_pred = torch.randint(0, k, (n,), generator=g)
    if skip is not None:  # a class that is never predicted: its precision is 0/0
        y_pred[y_pred == skip] = (skip + 1) % k
    return y_true, y_pred


def _sk(y_true, y_pred, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, _ = skm.precision_recall_fscore_support(y_true.numpy(), y_pred.numpy(), zero_division=0, **kw)
    return p, r, f


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("convert", CONVERSIONS, ids=["tensor", "numpy", "list"])
def test_confusion_matrix_equals_sklearn(seed, convert):
    y_true, y_pred = _labels(seed, 50, 4, skip=seed % 4)
    ours = metrics.confusion_matrix(convert(y_true.numpy()), convert(y_pred.numpy()))
    ref = skm.confusion_matrix(y_true.numpy(), y_pred.numpy(), labels=range(4))
    assert ours.dtype == torch.int64
    np.testing.assert_array_equal(ours.numpy(), ref)


def test_confusion_matrix_num_classes_and_errors():
    cm = metrics.confusion_matrix(torch.tensor([0, 1]), torch.tensor([1, 1]), num_classes=5)
    assert cm.shape == (5, 5) and cm.sum() == 2 and cm[0, 1] == 1 and cm[1, 1] == 1
    with pytest.raises(ValueError, match="num_classes"):
        metrics.confusion_matrix([0, 3], [0, 1], num_classes=2)
    with pytest.raises(ValueError, match="same length"):
        metrics.confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="empty"):
        metrics.confusion_matrix([], [])
    with pytest.raises(ValueError, match=">= 0"):
        metrics.confusion_matrix([0, -1], [0, 1])
    with pytest.raises(ValueError, match="integers"):
        metrics.confusion_matrix(torch.tensor([0.5, 1.0]), torch.tensor([0.0, 1.0]))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
@pytest.mark.parametrize("convert", CONVERSIONS, ids=["tensor", "numpy", "list"])
def test_multiclass_averages_equal_sklearn(seed, average, convert):
    y_true, y_pred = _labels(seed, 40, 5, skip=seed % 5)
    if seed % 2:  # a class absent from y_true but predicted: recall 0/0
        y_true[y_true == 3] = 2
    ours = metrics.precision_recall_f1(convert(y_true.numpy()), convert(y_pred.numpy()), average=average)
    ref = _sk(y_true, y_pred, average=average)
    assert ours == pytest.approx(ref, abs=1e-12)
    assert all(isinstance(v, float) for v in ours)


@pytest.mark.parametrize("seed", range(8))
def test_binary_equals_sklearn(seed):
    g = torch.Generator().manual_seed(seed)
    y_true = (torch.rand(60, generator=g) < 0.2).long()
    y_pred = (torch.rand(60, generator=g) < 0.3).long()
    for pos_label in (1, 0):
        ours = metrics.precision_recall_f1(y_true, y_pred, pos_label=pos_label)
        assert ours == pytest.approx(_sk(y_true, y_pred, average="binary", pos_label=pos_label), abs=1e-12)


def test_binary_degenerate_cases():
    ones, zeros = torch.ones(6, dtype=torch.long), torch.zeros(6, dtype=torch.long)
    assert metrics.precision_recall_f1(zeros, zeros) == (0.0, 0.0, 0.0)      # positive class never occurs
    assert metrics.precision_recall_f1(ones, zeros) == (0.0, 0.0, 0.0)       # nothing predicted positive
    assert metrics.precision_recall_f1(ones, ones) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="two classes"):
        metrics.precision_recall_f1([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="pos_label"):
        metrics.precision_recall_f1([0, 2, 2], [0, 2, 0])
    with pytest.raises(ValueError, match="average"):
        metrics.precision_recall_f1([0, 1], [0, 1], average="samples")


def test_micro_f1_is_accuracy_for_single_label_data():
    y_true, y_pred = _labels(11, 100, 7)
    p, r, f = metrics.precision_recall_f1(y_true, y_pred, average="micro")
    acc = metrics.accuracy(y_true, y_pred)
    assert p == pytest.approx(acc) and r == pytest.approx(acc) and f == pytest.approx(acc)


def _scores(seed, n=80, ties=False):
    g = torch.Generator().manual_seed(seed)
    y = (torch.rand(n, generator=g) < 0.25).long()
    y[0], y[1] = 0, 1
    s = torch.rand(n, generator=g) + 0.5 * y
    if ties:
        s = (s * 5).round() / 5   # many equal scores: one threshold per distinct value
    return y, s


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_roc_and_pr_curves_equal_sklearn(seed, ties):
    y, s = _scores(seed, ties=ties)
    fpr, tpr, thr = metrics.roc_curve(y, s)
    rf, rt, rthr = skm.roc_curve(y.numpy(), s.numpy(), drop_intermediate=False)
    np.testing.assert_allclose(fpr.numpy(), rf)
    np.testing.assert_allclose(tpr.numpy(), rt)
    np.testing.assert_allclose(thr.numpy(), rthr)
    assert metrics.auc(fpr, tpr) == pytest.approx(skm.roc_auc_score(y.numpy(), s.numpy()))

    p, r, t = metrics.precision_recall_curve(y.numpy(), s.numpy())
    rp, rr, rt2 = skm.precision_recall_curve(y.numpy(), s.numpy())
    np.testing.assert_allclose(p.numpy(), rp)
    np.testing.assert_allclose(r.numpy(), rr)
    np.testing.assert_allclose(t.numpy(), rt2)
    assert metrics.average_precision(y, s) == pytest.approx(skm.average_precision_score(y.numpy(), s.numpy()))


def test_curve_errors_and_auc():
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_curve([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="binary"):
        metrics.roc_curve([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="shape"):
        metrics.roc_curve([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="NaN"):
        metrics.roc_curve([0, 1], [0.1, float("nan")])
    with pytest.raises(ValueError, match="positive"):
        metrics.precision_recall_curve([0, 0], [0.1, 0.2])
    assert metrics.auc([1.0, 0.5, 0.0], [1.0, 1.0, 0.0]) == pytest.approx(0.75)  # decreasing x
    with pytest.raises(ValueError, match="monotonic"):
        metrics.auc([0.0, 1.0, 0.5], [0.0, 1.0, 1.0])
    x = np.sort(np.random.default_rng(0).random(20))
    y = np.random.default_rng(1).random(20)
    assert metrics.auc(x, y) == pytest.approx(skm.auc(x, y))


def test_perfect_and_reversed_rankings():
    y = torch.tensor([0, 0, 1, 1])
    assert metrics.auc(*metrics.roc_curve(y, torch.tensor([0.1, 0.2, 0.8, 0.9]))[:2]) == 1.0
    assert metrics.auc(*metrics.roc_curve(y, torch.tensor([0.9, 0.8, 0.2, 0.1]))[:2]) == 0.0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("convert", CONVERSIONS, ids=["tensor", "numpy", "list"])
def test_sensitivity_specificity_equal_sklearn(seed, convert):
    g = torch.Generator().manual_seed(seed)
    y = (torch.rand(80, generator=g) < 0.3).long()
    y[:2] = torch.tensor([0, 1])
    s = (torch.randn(80, generator=g, dtype=torch.float64) * 2).round() / 2   # ties, some exactly on a threshold
    for t in [-1.0, 0.0, 0.5, float(s.max()), float(s.max()) + 1]:
        sens, spec = metrics.sensitivity_specificity(convert(y.numpy()), convert(s.numpy()), t)
        pred = (s >= t).long().numpy()
        tn, fp, fn, tp = skm.confusion_matrix(y.numpy(), pred, labels=[0, 1]).ravel()
        assert sens == pytest.approx(skm.recall_score(y.numpy(), pred, zero_division=0), abs=1e-15)
        assert spec == pytest.approx(tn / (tn + fp), abs=1e-15)
        assert spec == pytest.approx(skm.recall_score(y.numpy(), pred, pos_label=0, zero_division=0), abs=1e-15)


def test_sensitivity_specificity_errors():
    assert metrics.sensitivity_specificity([0, 1], [0.2, 0.7], 0.7) == (1.0, 1.0)   # score == threshold is positive
    with pytest.raises(ValueError, match="both classes"):
        metrics.sensitivity_specificity([1, 1], [0.2, 0.7], 0.5)
    with pytest.raises(ValueError, match="binary labels"):
        metrics.sensitivity_specificity([0, 2], [0.2, 0.7], 0.5)
    with pytest.raises(ValueError, match="shape"):
        metrics.sensitivity_specificity([0, 1], [0.2, 0.7, 0.1], 0.5)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("target", [0.5, 0.9, 0.95, 1.0])
def test_threshold_for_sensitivity_is_the_best_by_brute_force(seed, target):
    g = torch.Generator().manual_seed(seed)
    y = (torch.rand(120, generator=g) < 0.2).long()
    y[:2] = torch.tensor([0, 1])
    s = torch.randn(120, generator=g, dtype=torch.float64) + y
    if seed % 2:
        s = (s * 2).round() / 2
    t = metrics.threshold_for_sensitivity(y, s, target)
    best_spec, best_t = -1.0, None
    for c in sorted(set(s.tolist()), reverse=True):   # every distinct score, by sklearn's counts
        pred = (s >= c).long().numpy()
        if skm.recall_score(y.numpy(), pred) >= target:
            spec = skm.recall_score(y.numpy(), pred, pos_label=0)
            if spec > best_spec:
                best_spec, best_t = spec, c
    assert t == best_t
    sens, spec = metrics.sensitivity_specificity(y, s, t)
    assert sens >= target and spec == pytest.approx(best_spec, abs=1e-15)
    with pytest.raises(ValueError, match="min_sensitivity"):
        metrics.threshold_for_sensitivity(y, s, 0.0)
