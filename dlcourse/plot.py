"""Plots the course uses again and again: training curves, decision boundaries, image grids.

Each function draws on the ``ax`` it is given (or a new one) and returns it, so notebooks can
compose figures; none calls ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from torch import Tensor


def plot_history(history: Mapping[str, Sequence[float]], keys: Sequence[str] | None = None,
                 ax: Axes | None = None, title: str | None = None) -> Axes:
    """Plot per-epoch curves (default: every key containing ``loss``) against the epoch number."""
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    keys = keys or [k for k in history if "loss" in k]
    for k in keys:
        values = history[k]
        ax.plot(range(1, len(values) + 1), values, label=k.replace("_", " "))
    ax.set_xlabel("epoch")
    ax.set_ylabel(", ".join(sorted({k.split("_", 1)[-1] for k in keys})))
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


@torch.no_grad()
def plot_decision_boundary(
    predict: Callable[[Tensor], Tensor],
    X: Tensor,
    y: Tensor,
    ax: Axes | None = None,
    resolution: int = 200,
    title: str | None = None,
) -> Axes:
    """Colour the plane by ``predict`` and scatter the points ``X`` (N, 2) coloured by ``y`` (N,).

    ``predict`` maps a batch of points (M, 2) to class scores (M, C) or labels (M,); it is
    called on the device of ``X``.
    """
    if X.dim() != 2 or X.shape[1] != 2:
        raise ValueError(f"expected X of shape (N, 2), got {tuple(X.shape)}")
    ax = ax or plt.subplots(figsize=(4.5, 4))[1]
    Xc = X.detach().cpu()
    lo, hi = Xc.min(0).values - 0.5, Xc.max(0).values + 0.5
    gx, gy = torch.meshgrid(torch.linspace(lo[0], hi[0], resolution), torch.linspace(lo[1], hi[1], resolution),
                            indexing="xy")  # each (R, R)
    grid = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1).to(X.device, X.dtype)  # (R*R, 2)
    out = predict(grid)
    labels = out.argmax(dim=1) if out.dim() == 2 else out
    zz = labels.reshape(resolution, resolution).cpu()  # (R, R)
    n_classes = int(max(zz.max().item(), y.max().item())) + 1
    cmap = plt.get_cmap("tab10")
    # matplotlib gets NumPy arrays: handing it tensors triggers NumPy deprecation warnings
    ax.contourf(gx.numpy(), gy.numpy(), zz.numpy(), levels=[i - 0.5 for i in range(n_classes + 1)],
                colors=[cmap(i) for i in range(n_classes)], alpha=0.25)
    ax.scatter(Xc[:, 0].numpy(), Xc[:, 1].numpy(), c=[cmap(int(i)) for i in y.cpu()], s=12, edgecolors="k",
               linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def show_images(images: Tensor, labels: Sequence[object] | None = None, ncols: int = 8,
                cmap: str = "gray_r", size: float = 1.2) -> plt.Figure:
    """Show images (N, H, W) or (N, 1, H, W) in a grid, with optional titles."""
    images = images.detach().cpu()
    if images.dim() == 4:
        images = images[:, 0]  # (N, H, W): first channel
    if images.dim() != 3:
        raise ValueError(f"expected images of shape (N, H, W) or (N, 1, H, W), got {tuple(images.shape)}")
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].numpy(), cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    fig.tight_layout()
    return fig
