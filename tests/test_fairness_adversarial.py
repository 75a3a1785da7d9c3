"""dlcourse.fairness against a direct computation with scikit-learn's confusion_matrix per group;
dlcourse.adversarial.fgsm (the bound, the loss going up, the closed form of logistic regression);
dlcourse.nn.clip_loss against the explicit cross-entropy both ways (values and gradients, float64)."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import confusion_matrix

from dlcourse import fairness
from dlcourse.adversarial import fgsm
from dlcourse.nn import clip_loss


def _sklearn_rates(y_true, y_pred, group):
    sel, tpr, fpr = [], [], []
    for a in np.unique(group):
        m = group == a
        tn, fp, fn, tp = confusion_matrix(y_true[m], y_pred[m], labels=[0, 1]).ravel()
        sel.append((tp + fp) / m.sum())
        tpr.append(tp / (tp + fn))
        fpr.append(fp / (fp + tn))
    return max(sel) - min(sel), max(max(tpr) - min(tpr), max(fpr) - min(fpr))


@pytest.mark.parametrize("n, groups", [(10, 2), (200, 2), (1000, 3), (57, 4)])
def test_fairness_metrics_equal_per_group_confusion_matrices(n, groups):
    rng = np.random.default_rng(n)
    group = rng.integers(0, groups, n)
    group[:groups] = np.arange(groups)
    y_true = rng.integers(0, 2, n)
    y_true[:groups], y_true[groups:2 * groups] = 0, 1    # both labels in every group
    group[groups:2 * groups] = np.arange(groups)
    y_pred = (rng.random(n) < 0.3 + 0.4 * y_true + 0.1 * group).astype(int)
    dp, eo = _sklearn_rates(y_true, y_pred, group)
    for cast in (np.asarray, torch.as_tensor, lambda a: a.tolist()):
        assert fairness.demographic_parity_difference(cast(y_pred), cast(group)) == pytest.approx(dp, abs=1e-12)
        assert fairness.equalized_odds_difference(cast(y_true), cast(y_pred), cast(group)) == pytest.approx(eo, abs=1e-12)


def test_fairness_closed_forms_and_errors():
    y = torch.tensor([1, 1, 0, 0, 1, 0, 0, 0])
    g = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
    # the perfect classifier: equalised odds holds, demographic parity misses by the gap of base rates 1/2 - 1/4
    assert fairness.equalized_odds_difference(y, y, g) == 0.0
    assert fairness.demographic_parity_difference(y, g) == pytest.approx(0.25)
    assert fairness.demographic_parity_difference(torch.ones(8), g) == 0.0
    assert fairness.selection_rates(y, g) == {0: 0.5, 1: 0.25}
    with pytest.raises(ValueError, match="shape"):
        fairness.demographic_parity_difference([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="shape"):
        fairness.equalized_odds_difference([0, 1], [0, 1, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="positives"):
        fairness.equalized_odds_difference([1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1])   # group 1 has no positive
    with pytest.raises(ValueError, match="0 and 1"):
        fairness.demographic_parity_difference([0, 2], [0, 1])


def test_fgsm_bounded_raises_the_loss_and_matches_logistic_regression_closed_form():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).double()
    x = torch.rand(20, 6, dtype=torch.float64)
    y = torch.randint(0, 3, (20,))
    for eps in (0.0, 0.01, 0.1):
        x_adv = fgsm(model, x, y, eps)
        assert (x_adv - x).abs().max() <= eps + 1e-12
        loss = F.cross_entropy(model(x_adv), y, reduction="none")
        if eps == 0:
            torch.testing.assert_close(x_adv, x)
        elif eps == 0.01:   # small enough for the linear approximation: every example's loss goes up
            assert bool((loss > F.cross_entropy(model(x), y, reduction="none")).all())
    assert fgsm(model, x, y, 0.5, clamp=(0.0, 1.0)).min() >= 0 and fgsm(model, x, y, 0.5, clamp=(0.0, 1.0)).max() <= 1
    # logistic regression: x' = x + eps sign((p - y) w), with a zero weight left unchanged
    w = torch.tensor([0.5, -2.0, 0.0, 1.0], dtype=torch.float64)
    b = 0.1
    xs = torch.randn(30, 4, dtype=torch.float64)
    ys = torch.randint(0, 2, (30,)).double()
    p = torch.sigmoid(xs @ w + b)
    expected = xs + 0.2 * torch.sign((p - ys)[:, None] * w)
    got = fgsm(lambda v: v @ w + b, xs, ys, 0.2, loss_fn=F.binary_cross_entropy_with_logits)
    torch.testing.assert_close(got, expected)
    assert bool((got[:, 2] == xs[:, 2]).all())
    with pytest.raises(ValueError):
        fgsm(model, x, y, -0.1)


def _explicit_clip(img, txt, tau):
    img, txt = F.normalize(img, dim=1), F.normalize(txt, dim=1)
    n = len(img)
    i2t = [F.cross_entropy((img[i] @ txt.T / tau)[None], torch.tensor([i])) for i in range(n)]
    t2i = [F.cross_entropy((txt[j] @ img.T / tau)[None], torch.tensor([j])) for j in range(n)]
    return (torch.stack(i2t).mean() + torch.stack(t2i).mean()) / 2


@pytest.mark.parametrize("N, D, tau", [(1, 3, 0.1), (5, 4, 0.07), (8, 16, 1.0), (3, 2, 0.5)])
def test_clip_loss_equals_the_explicit_cross_entropy_both_ways(N, D, tau):
    g = torch.Generator().manual_seed(N * D)
    img = torch.randn(N, D, dtype=torch.float64, generator=g).requires_grad_()
    txt = (2 * torch.randn(N, D, dtype=torch.float64, generator=g)).requires_grad_()
    ours, ref = clip_loss(img, txt, tau), _explicit_clip(img, txt, tau)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)
    for a, b in zip(torch.autograd.grad(ours, (img, txt)), torch.autograd.grad(ref, (img, txt))):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_clip_loss_closed_forms_and_errors():
    same = torch.ones(6, 3, dtype=torch.float64)
    assert clip_loss(same, same, 0.3).item() == pytest.approx(math.log(6))
    eye = torch.eye(4, dtype=torch.float64)   # matched pairs identical, others orthogonal
    assert clip_loss(eye, 3 * eye, 0.5).item() == pytest.approx(math.log(1 + 3 * math.exp(-2.0)))
    assert clip_loss(eye, eye, 0.5).item() == pytest.approx(clip_loss(eye, eye, 0.5).item())
    with pytest.raises(ValueError):
        clip_loss(torch.ones(3, 2), torch.ones(4, 2))
    with pytest.raises(ValueError):
        clip_loss(torch.ones(3, 2), torch.ones(3, 2), 0.0)
