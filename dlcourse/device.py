"""The one place that chooses a device, seeds randomness and reads the SCALE knob.

Library code never calls :func:`get_device`; it takes the device of its input tensors.
Notebooks call it once in their setup cell.

Environment variables
---------------------
``DLCOURSE_DEVICE``  overrides the automatic choice (``cpu``, ``cuda``, ``cuda:1``, ``mps``).
``DLCOURSE_SCALE``   multiplies the size of training demos (default 1: fast on 2 CPU cores).
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator

import numpy as np
import torch


def get_device() -> torch.device:
    """Return the best available device: ``cuda`` > ``mps`` > ``cpu``.

    ``DLCOURSE_DEVICE`` overrides the choice; asking for a device that is not
    available raises a ``RuntimeError`` that says which one and why.

    >>> get_device().type in {"cpu", "cuda", "mps"}
    True
    """
    wanted = os.environ.get("DLCOURSE_DEVICE", "").strip()
    if wanted:
        device = torch.device(wanted)  # raises on a malformed name such as "gpu"
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"DLCOURSE_DEVICE={wanted!r} but CUDA is not available; unset it or use 'cpu'")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError(f"DLCOURSE_DEVICE={wanted!r} but MPS is not available; unset it or use 'cpu'")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def get_scale(default: float = 1.0) -> float:
    """Return the ``DLCOURSE_SCALE`` knob (a positive number), or ``default``.

    >>> get_scale(default=2.0) > 0
    True
    """
    raw = os.environ.get("DLCOURSE_SCALE", "").strip()
    if not raw:
        return default
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"DLCOURSE_SCALE must be a number such as 1 or 4, got {raw!r}") from None
    if scale <= 0:
        raise ValueError(f"DLCOURSE_SCALE must be positive, got {scale}")
    return scale


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and torch's generators (all devices); return a seeded CPU generator.

    The returned generator is handy for ``DataLoader(generator=...)`` so that shuffling is
    reproducible on its own.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


@contextlib.contextmanager
def autocast(device: torch.device | str, enabled: bool = True) -> Iterator[None]:
    """Mixed precision on CUDA (bfloat16 where supported, else float16); a no-op elsewhere.

    On CPU, autocast would change numerics for little gain on small models, so it stays off
    and the taught float32 path is the one that runs.
    """
    device = torch.device(device)
    if not enabled or device.type != "cuda":
        yield
        return
    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    with torch.autocast(device_type="cuda", dtype=dtype):
        yield
