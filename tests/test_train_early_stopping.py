"""Early stopping in dlcourse.train: EarlyStopping's bookkeeping and fit(..., early_stopping=...)."""

import copy

import pytest
import torch

import dlcourse.nn as dnn
from dlcourse.train import EarlyStopping, evaluate, fit


def _run(losses, patience, **kw):
    stopper = EarlyStopping(patience, restore_best=False, **kw)
    for loss in losses:
        if stopper.step(loss):
            break
    return stopper


def test_stops_after_patience_epochs_without_improvement():
    s = _run([1.0, 0.8, 0.9, 0.85, 0.95, 0.7], patience=3)
    assert (s.best_epoch, s.best_loss, s.stopped_epoch) == (2, 0.8, 5), "epochs 3, 4, 5 do not improve on 2"
    s = _run([1.0, 0.8, 0.9, 0.85, 0.95, 0.7], patience=4)
    assert (s.best_epoch, s.best_loss, s.stopped_epoch) == (6, 0.7, None), "epoch 6 improves before patience ends"
    s = _run([0.5, 0.5, 0.5], patience=2)
    assert (s.best_epoch, s.stopped_epoch) == (1, 3), "a tie is no improvement"
    s = _run([1.0, 0.95, 0.92, 0.9], patience=2, min_delta=0.1)
    assert (s.best_epoch, s.stopped_epoch) == (1, 3), "improvements of at most min_delta do not count"
    s = _run([1.0, float("nan"), float("nan")], patience=2)
    assert (s.best_epoch, s.stopped_epoch) == (1, 3), "a nan loss is no improvement"


def test_bad_arguments():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(0)
    with pytest.raises(ValueError, match="min_delta"):
        EarlyStopping(3, min_delta=-1.0)
    with pytest.raises(ValueError, match="needs the model"):
        EarlyStopping(3).step(1.0)
    with pytest.raises(ValueError, match="no best weights"):
        EarlyStopping(3).restore(dnn.MLP(2, [2], 2))


def test_best_state_is_a_copy():
    model = dnn.MLP(2, [3], 2)
    stopper = EarlyStopping(2)
    stopper.step(1.0, model)
    before = copy.deepcopy(model.state_dict())
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    stopper.step(2.0, model)   # worse: the best weights stay those of epoch 1
    stopper.restore(model)
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())


def _overfitting_problem():
    """30 noisy training points, a wide MLP: the validation loss falls, then rises."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(230, 10, generator=g)
    y = (X[:, 0] + 0.8 * torch.randn(230, generator=g) > 0).long()
    torch.manual_seed(0)
    model = dnn.MLP(10, [64, 64], 2)
    return model, [(X[:30], y[:30])], [(X[30:], y[30:])]


def _fit(model, train, val, epochs, stopper):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    return fit(model, train, loss_fn=dnn.cross_entropy, optimizer=opt, epochs=epochs, val_loader=val,
               early_stopping=stopper, progress=False)


def test_fit_stops_early_and_restores_the_best_weights():
    model, train, val = _overfitting_problem()
    stopper = EarlyStopping(patience=10)
    history = _fit(model, train, val, 100, stopper)
    losses = history["val_loss"]
    assert stopper.stopped_epoch is not None and len(losses) == stopper.stopped_epoch < 100
    assert all(len(v) == len(losses) for v in history.values())
    assert stopper.best_epoch == 1 + losses.index(min(losses)) and stopper.best_loss == min(losses)
    assert stopper.stopped_epoch == stopper.best_epoch + 10
    assert min(losses) < losses[-1], "the run overfits: the last epochs are worse than the best"
    assert evaluate(model, val, dnn.cross_entropy)["loss"] == pytest.approx(min(losses), rel=1e-6), \
        "the model holds the best epoch's weights after fit"


def test_fit_without_restoring_keeps_the_last_weights_and_same_run():
    model, train, val = _overfitting_problem()
    plain = copy.deepcopy(model)
    stopper = EarlyStopping(patience=10, restore_best=False)
    history = _fit(model, train, val, 100, stopper)
    assert evaluate(model, val, dnn.cross_entropy)["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-6)
    full = _fit(plain, train, val, len(history["val_loss"]), None)
    assert full == history, "early stopping changes when training ends, not what an epoch does"


def test_fit_patience_never_exhausted_runs_every_epoch():
    model, train, val = _overfitting_problem()
    stopper = EarlyStopping(patience=50)
    history = _fit(model, train, val, 8, stopper)
    assert len(history["train_loss"]) == 8 and stopper.stopped_epoch is None


def test_fit_early_stopping_needs_validation_data():
    model, train, _ = _overfitting_problem()
    with pytest.raises(ValueError, match="val_loader"):
        fit(model, train, loss_fn=dnn.cross_entropy, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            epochs=3, early_stopping=EarlyStopping(2))
