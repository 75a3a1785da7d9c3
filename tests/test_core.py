"""device, data, metrics, train and plot: the foundation every chapter uses."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

import dlcourse  # noqa: E402
import dlcourse.nn as dnn  # noqa: E402
from dlcourse import plot  # noqa: E402
from dlcourse.data import circles, load_digits, spirals, two_moons, xor  # noqa: E402
from dlcourse.metrics import accuracy  # noqa: E402
from dlcourse.train import evaluate, fit  # noqa: E402


# device ---------------------------------------------------------------------------------------------
def test_get_device_override(monkeypatch):
    monkeypatch.setenv("DLCOURSE_DEVICE", "cpu")
    assert dlcourse.get_device() == torch.device("cpu")
    monkeypatch.delenv("DLCOURSE_DEVICE")
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert dlcourse.get_device().type == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_get_device_refuses_missing_cuda(monkeypatch):
    monkeypatch.setenv("DLCOURSE_DEVICE", "cuda")
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        dlcourse.get_device()


def test_get_scale(monkeypatch):
    monkeypatch.delenv("DLCOURSE_SCALE", raising=False)
    assert dlcourse.get_scale() == 1.0
    monkeypatch.setenv("DLCOURSE_SCALE", "4")
    assert dlcourse.get_scale() == 4.0
    for bad in ("zero", "-1", "0"):
        monkeypatch.setenv("DLCOURSE_SCALE", bad)
        with pytest.raises(ValueError, match="DLCOURSE_SCALE"):
            dlcourse.get_scale()


def test_seed_everything_reproduces_all_generators():
    def draw():
        g = dlcourse.seed_everything(7)
        return torch.randn(3), np.random.rand(3), torch.randn(2, generator=g)

    a, b = draw(), draw()
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and torch.equal(a[2], b[2])


def test_autocast_is_a_no_op_on_cpu():
    x = torch.randn(4, 4)
    with dlcourse.autocast("cpu"):
        y = x @ x
    assert y.dtype == torch.float32


# data -------------------------------------------------------------------------------------------------
def test_digits_split_is_deterministic_stratified_and_disjoint():
    a, b = load_digits(seed=0), load_digits(seed=0)
    for part in ("train", "val", "test"):
        assert torch.equal(getattr(a, part).tensors[0], getattr(b, part).tensors[0])
    sizes = [len(a.train), len(a.val), len(a.test)]
    assert sum(sizes) == 1797 and sizes == [1167, 270, 360]
    rows = [tuple(r.tolist()) for p in (a.train, a.val, a.test) for r in p.tensors[0]]
    assert len(set(rows)) >= 1797 - 20  # a few digits are exact duplicates in the raw data
    counts = torch.bincount(a.test.tensors[1], minlength=10)
    assert counts.min() >= 34 and counts.max() <= 38, f"test split not stratified: {counts.tolist()}"
    x = a.train.tensors[0]
    assert x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    assert load_digits(flatten=False).train.tensors[0].shape[1:] == (1, 8, 8)
    assert not torch.equal(load_digits(seed=1).test.tensors[1], a.test.tensors[1])


def test_digits_bad_fractions():
    with pytest.raises(ValueError, match="fractions"):
        load_digits(val_fraction=0.6, test_fraction=0.5)


@pytest.mark.parametrize("make", [two_moons, circles, spirals, xor])
def test_toy_datasets(make):
    X, y = make(n=120, seed=3)
    assert X.shape == (120, 2) and X.dtype == torch.float32 and y.shape == (120,) and y.dtype == torch.long
    assert torch.equal(make(n=120, seed=3)[0], X) and torch.equal(make(n=120, seed=3)[1], y)
    assert not torch.equal(make(n=120, seed=4)[0], X)
    assert len(y.unique()) >= 2
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    make(n=120, seed=3)
    assert torch.equal(torch.rand(3), expected), "a private generator: the global random state is left alone"


def test_toy_datasets_without_noise_lie_on_their_curves():
    """With noise 0 every point lies exactly on the curve of its class, and the classes have their sizes."""
    X, y = two_moons(n=301, noise=0.0, seed=1)
    assert y.tolist() == [0] * 150 + [1] * 151
    upper, lower = X[y == 0], X[y == 1]
    torch.testing.assert_close(upper.norm(dim=1), torch.ones(150))                     # unit circle, upper half
    assert (upper[:, 1] >= 0).all()
    torch.testing.assert_close((lower - torch.tensor([1.0, 0.5])).norm(dim=1), torch.ones(151))   # centre (1, 0.5)
    assert (lower[:, 1] <= 0.5).all()
    X, y = circles(n=200, noise=0.0, factor=0.3, seed=1)
    assert (y == 0).sum() == 100 == (y == 1).sum()
    torch.testing.assert_close(X.norm(dim=1), torch.where(y == 0, 1.0, 0.3))          # outer 1, inner factor
    X, y = spirals(n=600, classes=3, noise=0.0, seed=1)
    assert torch.bincount(y).tolist() == [200, 200, 200]
    r = X.norm(dim=1)
    assert (r < 1).all()
    theta = 4.0 * r + 2 * math.pi * y / 3                                              # arm k starts at 2 pi k / 3
    torch.testing.assert_close(X, torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1), atol=1e-5, rtol=0)
    X, y = xor(n=2000, noise=0.0, seed=1)
    assert (X.abs() <= 1).all() and torch.equal(y, ((X[:, 0] > 0) != (X[:, 1] > 0)).long())
    assert 0.45 < y.float().mean() < 0.55                                              # the quadrants are balanced


# metrics ----------------------------------------------------------------------------------------------
def test_accuracy_matches_sklearn(gen):
    y = torch.randint(0, 4, (50,), generator=gen)
    scores = torch.randn(50, 4, generator=gen)
    assert accuracy(y, scores) == pytest.approx(accuracy_score(y.numpy(), scores.argmax(1).numpy()))
    assert accuracy(y, y) == 1.0
    with pytest.raises(ValueError, match="shape"):
        accuracy(y, y[:10])


# train ------------------------------------------------------------------------------------------------
def _blobs():
    g = torch.Generator().manual_seed(0)
    X = torch.cat([torch.randn(100, 2, generator=g) - 2, torch.randn(100, 2, generator=g) + 2])
    y = torch.cat([torch.zeros(100), torch.ones(100)]).long()
    return TensorDataset(X, y)


def test_fit_learns_and_records_history():
    torch.manual_seed(0)
    ds = _blobs()
    model = dnn.MLP(2, [8], 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, DataLoader(ds, batch_size=32, shuffle=True), loss_fn=dnn.cross_entropy, optimizer=opt,
                  epochs=5, val_loader=DataLoader(ds, batch_size=64), progress=False)
    assert set(history) == {"train_loss", "val_loss", "val_accuracy"}
    assert all(len(v) == 5 for v in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["val_accuracy"][-1] > 0.95
    result = evaluate(model, DataLoader(ds, batch_size=7), dnn.cross_entropy)
    assert result["accuracy"] == pytest.approx(history["val_accuracy"][-1])
    assert result["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-5)


def test_fit_penalty_shrinks_weights():
    def train(penalty):
        torch.manual_seed(0)
        model = dnn.MLP(2, [16], 2)
        fit(model, DataLoader(_blobs(), batch_size=200), loss_fn=dnn.cross_entropy,
            optimizer=torch.optim.SGD(model.parameters(), lr=0.2), epochs=50, penalty=penalty, progress=False)
        return dnn.l2_penalty(model).item()

    assert train(lambda m: 0.05 * dnn.l2_penalty(m)) < 0.5 * train(None)


def test_fit_rejects_zero_epochs():
    model = dnn.MLP(2, [2], 2)
    with pytest.raises(ValueError, match="epochs"):
        fit(model, [], loss_fn=dnn.cross_entropy, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=0)


# plot -------------------------------------------------------------------------------------------------
def test_plots_draw_labelled_axes():
    ax = plot.plot_history({"train_loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}, title="t")
    assert ax.get_xlabel() == "epoch" and len(ax.get_lines()) == 2
    X, y = two_moons(n=50)
    model = dnn.MLP(2, [4], 2)
    ax = plot.plot_decision_boundary(model, X, y, resolution=20)
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    fig = plot.show_images(torch.rand(5, 1, 8, 8), labels=list(range(5)), ncols=3)
    assert len(fig.axes) == 6
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot.plot_decision_boundary(model, torch.zeros(3, 3), y[:3])
    matplotlib.pyplot.close("all")


def test_fit_progress_bar_obeys_tqdm_disable(monkeypatch, capsys):
    model = dnn.MLP(2, [2], 2)
    data = [(torch.randn(4, 2), torch.tensor([0, 1, 0, 1]))]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    monkeypatch.setenv("TQDM_DISABLE", "1")
    fit(model, data, loss_fn=dnn.cross_entropy, optimizer=opt, epochs=2)
    assert "epochs" not in capsys.readouterr().err
    monkeypatch.setenv("TQDM_DISABLE", "0")
    fit(model, data, loss_fn=dnn.cross_entropy, optimizer=opt, epochs=2)
    assert "epochs" in capsys.readouterr().err


def test_progress_helper_obeys_tqdm_disable(monkeypatch, capsys):
    from dlcourse.train import progress

    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert list(progress(range(3), desc="steps")) == [0, 1, 2]
    assert "steps" not in capsys.readouterr().err
    monkeypatch.delenv("TQDM_DISABLE")
    assert list(progress(range(3), desc="steps")) == [0, 1, 2]
    assert "steps" in capsys.readouterr().err
