"""One training loop for the whole course: device-aware, with a progress bar and a history.

``fit`` runs epochs of mini-batch gradient descent and records, per epoch, the mean training
loss and (given a validation loader) the validation loss and metrics::

    history = fit(model, train_loader, loss_fn=cross_entropy, optimizer=opt, epochs=20,
                  val_loader=val_loader)
    history["train_loss"], history["val_loss"], history["val_accuracy"]   # lists, one value per epoch

Early stopping watches the validation loss, keeps the best weights and stops after ``patience``
epochs without improvement::

    stopper = EarlyStopping(patience=10)
    history = fit(model, train_loader, loss_fn=cross_entropy, optimizer=opt, epochs=200,
                  val_loader=val_loader, early_stopping=stopper)
    stopper.best_epoch, stopper.best_loss, stopper.stopped_epoch   # the model now holds the best weights

The model's device is where the batches go (``next(model.parameters()).device``), so the
caller decides the device once, with ``model.to(get_device())``.

TensorBoard: given ``writer`` (a ``torch.utils.tensorboard.SummaryWriter``, or anything with its
``add_scalar(tag, value, step)``), ``fit`` logs what it records: ``loss/train`` and ``loss/val`` and each
validation metric as ``<name>/val`` once per epoch (step = the epoch, from 1), the loss of every batch as
``batch/loss`` (step = the batch count, from 1) and the learning rate as ``lr`` (step = the epoch). The caller
owns the writer: ``fit`` flushes it after every epoch and never closes it. Then ``tensorboard --logdir runs``::

    writer = SummaryWriter("runs/mlp")
    fit(model, train_loader, loss_fn=cross_entropy, optimizer=opt, epochs=20, val_loader=val_loader, writer=writer)

A learning-rate ``scheduler`` steps after every optimizer step (once per batch), the way
``OneCycleLR`` and warm-up schedules count; give a per-epoch schedule its steps in batches.

The progress bar is tqdm's; it is switched off by ``progress=False`` or by the environment
variable ``TQDM_DISABLE=1`` (the test suite sets it, so stored notebook outputs stay clean).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from dlcourse.metrics import accuracy

Metric = Callable[[Tensor, Tensor], float]  # (y_true, output) -> value
LossFn = Callable[[Tensor, Tensor], Tensor]  # (output, target) -> 0-d tensor


def _tqdm_disabled() -> bool:
    """Whether ``TQDM_DISABLE`` is set: tqdm's notebook bar ignores that variable, so we read it ourselves."""
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false")


def progress(iterable: Iterable, desc: str | None = None, total: int | None = None, leave: bool = False) -> tqdm:
    """A progress bar for a custom training loop (tqdm's, a widget in Jupyter), off under ``TQDM_DISABLE=1``.

    >>> sum(progress(range(3), desc="steps"))
    3
    """
    return tqdm(iterable, desc=desc, total=total, leave=leave, disable=_tqdm_disabled())


def _model_device(model: nn.Module) -> torch.device:
    p = next(model.parameters(), None)
    return torch.device("cpu") if p is None else p.device


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs; keep the best weights.

    Call :meth:`step` once per epoch, with that epoch's validation loss; it returns True when training
    should stop. A loss counts as an improvement when it is below the best so far by more than
    ``min_delta`` (a tie is no improvement). Epochs are counted from 1, as in the history of :func:`fit`.
    Use a new ``EarlyStopping`` for each run.

    Attributes:
        best_loss: the lowest validation loss seen (``inf`` before the first epoch).
        best_epoch: the epoch that reached it (0 before the first epoch).
        stopped_epoch: the epoch after which :meth:`step` said stop, or None while it has not.
        best_state: a copy of the model's ``state_dict`` at ``best_epoch`` (when ``restore_best``).

    >>> stopper = EarlyStopping(patience=2, restore_best=False)
    >>> [stopper.step(loss) for loss in [0.9, 0.5, 0.6, 0.5]]  # epoch 4 ties epoch 2: no improvement
    [False, False, False, True]
    >>> stopper.best_epoch, stopper.best_loss, stopper.stopped_epoch
    (2, 0.5, 4)
    """

    def __init__(self, patience: int, min_delta: float = 0.0, restore_best: bool = True) -> None:
        if patience < 1:
            raise ValueError(f"patience must be at least 1 epoch, got {patience}")
        if min_delta < 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}")
        self.patience, self.min_delta, self.restore_best = patience, min_delta, restore_best
        self.best_loss = float("inf")
        self.best_epoch = 0
        self.epoch = 0
        self.stopped_epoch: int | None = None
        self.best_state: dict[str, Tensor] | None = None

    def step(self, val_loss: float, model: nn.Module | None = None) -> bool:
        """Record one epoch's validation loss (and the model's weights if it is the best); True means stop."""
        self.epoch += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch = val_loss, self.epoch
            if self.restore_best:
                if model is None:
                    raise ValueError("restore_best=True needs the model, to keep a copy of its best weights")
                # a copy, not the live tensors, which the next optimizer steps change in place
                self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            return False
        if self.epoch - self.best_epoch < self.patience:
            return False
        if self.stopped_epoch is None:
            self.stopped_epoch = self.epoch
        return True

    def restore(self, model: nn.Module) -> None:
        """Load the best weights seen back into ``model``."""
        if self.best_state is None:
            raise ValueError("no best weights kept: call step(val_loss, model) with restore_best=True first")
        model.load_state_dict(self.best_state)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: LossFn | None = None,
    metrics: Mapping[str, Metric] | None = None,
) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``loader``, weighted by batch size.

    ``metrics`` defaults to ``{"accuracy": accuracy}``; pass ``{}`` for regression.
    """
    metrics = {"accuracy": accuracy} if metrics is None else metrics
    device = _model_device(model)
    was_training = model.training
    model.eval()
    totals: dict[str, float] = {}
    n = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        out = model(x)
        b = len(x)
        if loss_fn is not None:
            totals["loss"] = totals.get("loss", 0.0) + loss_fn(out, y).item() * b
        for name, fn in metrics.items():
            totals[name] = totals.get(name, 0.0) + fn(y, out) * b
        n += b
    model.train(was_training)
    if n == 0:
        raise ValueError("evaluate got an empty loader")
    return {k: v / n for k, v in totals.items()}


def fit(
    model: nn.Module,
    train_loader: Iterable[tuple[Tensor, Tensor]],
    *,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    val_loader: Iterable[tuple[Tensor, Tensor]] | None = None,
    metrics: Mapping[str, Metric] | None = None,
    penalty: Callable[[nn.Module], Tensor] | None = None,
    early_stopping: EarlyStopping | None = None,
    progress: bool = True,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    writer=None,
    desc: str = "epochs",
) -> dict[str, list[float]]:
    """Train ``model`` for ``epochs`` epochs and return its history.

    ``penalty(model)`` (e.g. ``lambda m: 1e-4 * l2_penalty(m)``) is added to each batch's loss;
    the recorded ``train_loss`` is the data loss alone, so runs with and without a penalty
    compare on the same scale.

    ``early_stopping`` (an :class:`EarlyStopping`) watches ``val_loss`` after every epoch: training
    ends early when it says stop (the history then has fewer than ``epochs`` entries), and the model
    gets its best weights back at the end when ``early_stopping.restore_best`` is set.

    ``scheduler`` steps after every optimizer step; ``writer`` (a TensorBoard ``SummaryWriter``) receives the
    history as it is recorded (see the module docstring for the tags). ``desc`` labels the progress bar.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if early_stopping is not None and val_loader is None:
        raise ValueError("early stopping watches the validation loss: pass val_loader too")
    if writer is not None and not callable(getattr(writer, "add_scalar", None)):
        raise TypeError(f"writer must have add_scalar(tag, value, step), like a SummaryWriter; got {type(writer).__name__}")
    device = _model_device(model)
    history: dict[str, list[float]] = {"train_loss": []}
    bar = tqdm(range(epochs), desc=desc, leave=False, disable=not progress or _tqdm_disabled())
    batches = 0
    for epoch in bar:
        model.train()
        total, n = 0.0, 0
        lr = optimizer.param_groups[0]["lr"]    # the rate this epoch starts with
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            loss = loss_fn(model(x), y)
            objective = loss if penalty is None else loss + penalty(model)
            optimizer.zero_grad(set_to_none=True)
            objective.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total += loss.item() * len(x)
            n += len(x)
            batches += 1
            if writer is not None:
                writer.add_scalar("batch/loss", loss.item(), batches)
        if n == 0:
            raise ValueError("train_loader gave no batches")
        history["train_loss"].append(total / n)
        if writer is not None:
            writer.add_scalar("loss/train", total / n, epoch + 1)
            writer.add_scalar("lr", lr, epoch + 1)
        postfix = {"train_loss": f"{total / n:.4f}"}
        if val_loader is not None:
            for name, value in evaluate(model, val_loader, loss_fn, metrics).items():
                history.setdefault(f"val_{name}", []).append(value)
                postfix[f"val_{name}"] = f"{value:.4f}"
                if writer is not None:
                    writer.add_scalar(f"{name}/val", value, epoch + 1)
        if writer is not None and callable(getattr(writer, "flush", None)):
            writer.flush()
        bar.set_postfix(postfix)
        if early_stopping is not None and early_stopping.step(history["val_loss"][-1], model):
            break
    if early_stopping is not None and early_stopping.restore_best:
        early_stopping.restore(model)
    return history
