"""dlcourse.train.fit with a TensorBoard writer (event files read back with TensorBoard's own reader) and a
learning-rate scheduler stepped per batch (the same weights as the loop written out)."""

import pytest
import torch
import torch.nn.functional as F
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.tensorboard import SummaryWriter

from dlcourse.train import fit


def _data(n=48, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return [(x[i:i + 16], y[i:i + 16]) for i in range(0, n, 16)]


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def _scalars(logdir):
    events = EventAccumulator(str(logdir))
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def test_the_event_file_holds_the_history(tmp_path):
    train, val = _data(), _data(32, seed=1)
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    writer = SummaryWriter(tmp_path)
    history = fit(model, train, loss_fn=F.cross_entropy, optimizer=opt, epochs=3, val_loader=val, writer=writer,
                  progress=False)
    writer.close()
    logged = _scalars(tmp_path)
    assert set(logged) == {"batch/loss", "loss/train", "lr", "loss/val", "accuracy/val"}
    assert [s for s, _ in logged["loss/train"]] == [1, 2, 3]
    assert [v for _, v in logged["loss/train"]] == pytest.approx(history["train_loss"], rel=1e-6)  # stored as float32
    assert [v for _, v in logged["loss/val"]] == pytest.approx(history["val_loss"], rel=1e-6)
    assert [v for _, v in logged["accuracy/val"]] == pytest.approx(history["val_accuracy"], rel=1e-6)
    assert [s for s, _ in logged["batch/loss"]] == list(range(1, 10))      # 3 batches a epoch, 3 epochs
    # the epoch's training loss is the size-weighted mean of its batch losses (equal batches here)
    first = [v for _, v in logged["batch/loss"][:3]]
    assert sum(first) / 3 == pytest.approx(history["train_loss"][0], rel=1e-6)
    assert [v for _, v in logged["lr"]] == pytest.approx([0.1] * 3)


def test_a_scheduler_steps_once_per_batch_like_the_loop_written_out(tmp_path):
    train = _data()
    epochs, steps = 4, 4 * len(train)
    model = _model()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 0.05, total_steps=steps)
    writer = SummaryWriter(tmp_path)
    fit(model, train, loss_fn=F.cross_entropy, optimizer=opt, epochs=epochs, scheduler=sched, writer=writer,
        progress=False)
    writer.close()

    ref = _model()
    ref_opt = torch.optim.Adam(ref.parameters(), lr=0.05)
    ref_sched = torch.optim.lr_scheduler.OneCycleLR(ref_opt, 0.05, total_steps=steps)
    starts = []
    for _ in range(epochs):
        starts.append(ref_opt.param_groups[0]["lr"])
        for x, y in train:
            loss = F.cross_entropy(ref(x), y)
            ref_opt.zero_grad()
            loss.backward()
            ref_opt.step()
            ref_sched.step()
    for a, b in zip(model.parameters(), ref.parameters()):
        torch.testing.assert_close(a, b)
    assert sched.last_epoch == steps
    assert [v for _, v in _scalars(tmp_path)["lr"]] == pytest.approx(starts, rel=1e-6)


def test_writer_and_loader_errors():
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="add_scalar"):
        fit(model, _data(), loss_fn=F.cross_entropy, optimizer=opt, epochs=1, writer="runs/x", progress=False)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, [], loss_fn=F.cross_entropy, optimizer=opt, epochs=1, progress=False)
