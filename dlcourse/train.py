"""One training loop for the whole course: device-aware, with a progress bar and a history.

``fit`` runs epochs of mini-batch gradient descent and records, per epoch, the mean training
loss and (given a validation loader) the validation loss and metrics::

    history = fit(model, train_loader, loss_fn=cross_entropy, optimizer=opt, epochs=20,
                  val_loader=val_loader)
    history["train_loss"], history["val_loss"], history["val_accuracy"]   # lists, one value per epoch

The model's device is where the batches go (``next(model.parameters()).device``), so the
caller decides the device once, with ``model.to(get_device())``.

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
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train ``model`` for ``epochs`` epochs and return its history.

    ``penalty(model)`` (e.g. ``lambda m: 1e-4 * l2_penalty(m)``) is added to each batch's loss;
    the recorded ``train_loss`` is the data loss alone, so runs with and without a penalty
    compare on the same scale.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    device = _model_device(model)
    history: dict[str, list[float]] = {"train_loss": []}
    bar = tqdm(range(epochs), desc="epochs", leave=False, disable=not progress or _tqdm_disabled())
    for _ in bar:
        model.train()
        total, n = 0.0, 0
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            loss = loss_fn(model(x), y)
            objective = loss if penalty is None else loss + penalty(model)
            optimizer.zero_grad(set_to_none=True)
            objective.backward()
            optimizer.step()
            total += loss.item() * len(x)
            n += len(x)
        history["train_loss"].append(total / n)
        postfix = {"train_loss": f"{total / n:.4f}"}
        if val_loader is not None:
            for name, value in evaluate(model, val_loader, loss_fn, metrics).items():
                history.setdefault(f"val_{name}", []).append(value)
                postfix[f"val_{name}"] = f"{value:.4f}"
        bar.set_postfix(postfix)
    return history
