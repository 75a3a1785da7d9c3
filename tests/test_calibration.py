"""dlcourse.calibration against scikit-learn's calibration_curve and torchmetrics' BinaryCalibrationError."""

import numpy as np
import pytest
import torch
from sklearn.calibration import calibration_curve as sk_calibration_curve
from torchmetrics.classification import BinaryCalibrationError
from torchmetrics.functional.classification import binary_calibration_error

from dlcourse import calibration


def _data(seed, n, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, generator=g, dtype=torch.float64)
    y = (torch.rand(n, generator=g, dtype=torch.float64) < p ** 2).long()   # over-confident: fewer positives than p
    return y, p.to(dtype)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n_bins", [1, 5, 10, 15])
def test_curve_equals_sklearn(seed, n_bins):
    y, p = _data(seed, 300 + seed)
    fraction, mean_p, counts = calibration.calibration_curve(y, p, n_bins)
    ref_fraction, ref_mean = sk_calibration_curve(y.numpy(), p.numpy(), n_bins=n_bins)
    np.testing.assert_allclose(fraction.numpy(), ref_fraction, rtol=1e-12)
    np.testing.assert_allclose(mean_p.numpy(), ref_mean, rtol=1e-12)
    assert counts.sum() == len(y) and bool((counts > 0).all())


def test_bins_are_closed_on_the_right_like_sklearn_on_the_edges():
    p = np.array([0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 0.3, 0.2])
    y = np.array([0, 0, 1, 0, 1, 1, 1, 0])
    for n_bins in (2, 4):
        fraction, mean_p, _ = calibration.calibration_curve(y, p, n_bins)
        ref_fraction, ref_mean = sk_calibration_curve(y, p, n_bins=n_bins)
        np.testing.assert_allclose(fraction.numpy(), ref_fraction)
        np.testing.assert_allclose(mean_p.numpy(), ref_mean)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n_bins", [1, 5, 10, 15])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_ece_equals_torchmetrics_off_the_edges(seed, n_bins, dtype):
    y, p = _data(seed, 500, dtype)
    ece = calibration.expected_calibration_error(y, p, n_bins)
    ref = binary_calibration_error(p, y, n_bins=n_bins, norm="l1")
    assert ece.dtype == dtype
    torch.testing.assert_close(ece, ref.to(dtype))
    metric = BinaryCalibrationError(n_bins=n_bins, norm="l1")   # the stateful module, fed in two batches
    metric.update(p[:200], y[:200])
    metric.update(p[200:], y[200:])
    torch.testing.assert_close(ece, metric.compute().to(dtype))


def test_ece_differs_from_torchmetrics_only_on_an_edge():
    # 0.5 is an edge of two bins: ours puts it in the lower bin, torchmetrics in the upper one.
    p, y = torch.tensor([0.5, 0.6], dtype=torch.float64), torch.tensor([1, 0])
    ours = calibration.expected_calibration_error(y, p, 2).item()
    assert ours == pytest.approx(0.5 * 0.5 + 0.5 * 0.6)        # two bins of one case each
    assert binary_calibration_error(p, y, n_bins=2).item() == pytest.approx(abs(0.5 - 0.55))   # one bin of two
    q = p + 1e-9   # off the edge the two agree
    assert ours != pytest.approx(binary_calibration_error(q, y, n_bins=2).item())
    torch.testing.assert_close(calibration.expected_calibration_error(y, q, 2),
                               binary_calibration_error(q, y, n_bins=2).double())


def test_ece_gradient():
    y, p = _data(7, 60)
    p = (0.02 + 0.96 * p).requires_grad_()   # away from 0 and 1; gradcheck's steps do not cross an edge
    assert torch.autograd.gradcheck(lambda q: calibration.expected_calibration_error(y, q, 10), (p,))
    ece = calibration.expected_calibration_error(y, p, 10)
    ece.backward()
    fraction, mean_p, _ = calibration.calibration_curve(y, p.detach(), 10)
    # d ECE / d p_n = sign(mean_p - fraction of n's bin) / N
    b = torch.bucketize(p.detach(), torch.linspace(0, 1, 11, dtype=torch.float64)[1:-1])
    full = torch.bincount(b, minlength=10) > 0
    sign = torch.zeros(10, dtype=torch.float64)
    sign[full] = torch.sign(mean_p - fraction)
    torch.testing.assert_close(p.grad, sign[b] / len(p))


def test_perfectly_calibrated_and_errors():
    g = torch.Generator().manual_seed(3)
    p = torch.full((20000,), 0.3, dtype=torch.float64)
    y = (torch.rand(20000, generator=g, dtype=torch.float64) < 0.3).long()
    assert calibration.expected_calibration_error(y, p, 10).item() < 0.01
    for y_, p_, match in [([0, 1], [0.2], "shape"), ([0, 2], [0.2, 0.3], "binary"),
                          ([0, 1], [-0.1, 0.3], "probabilities"), ([0, 1], [0.2, 1.5], "probabilities"),
                          ([], [], "empty")]:
        with pytest.raises(ValueError, match=match):
            calibration.expected_calibration_error(y_, torch.tensor(p_, dtype=torch.float64), 10)
    with pytest.raises(ValueError, match="n_bins"):
        calibration.calibration_curve([0, 1], [0.2, 0.3], 0)


@pytest.mark.parametrize("true_t", [0.5, 1.0, 3.0])
def test_fit_temperature_minimises_the_loss(true_t):
    g = torch.Generator().manual_seed(int(true_t * 10))
    z = 4 * torch.randn(3000, generator=g, dtype=torch.float64)
    y = (torch.rand(3000, generator=g, dtype=torch.float64) < torch.sigmoid(z / true_t)).long()
    t = calibration.fit_temperature(z, y)

    def nll(temp):
        return torch.nn.functional.binary_cross_entropy_with_logits(z / temp, y.double())

    grid = torch.linspace(0.5 * t, 1.5 * t, 201, dtype=torch.float64)
    best = grid[torch.stack([nll(s) for s in grid]).argmin()].item()
    assert t == pytest.approx(best, rel=0.01)              # the minimum of the loss, by a grid
    assert t == pytest.approx(true_t, rel=0.15)             # and close to the temperature that made the labels
    T = torch.tensor(t, dtype=torch.float64, requires_grad=True)
    nll(T).backward()
    assert abs(T.grad.item()) < 1e-6                        # a stationary point
