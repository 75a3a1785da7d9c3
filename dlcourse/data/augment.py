r"""Data augmentation (数据增强): label-preserving random transforms that make new training samples from old ones.

Images (batched, each sample gets its own random parameters):

.. math::

    \text{rotation by } \alpha:\ x'(\mathbf p) = x(R_\alpha^{-1} \mathbf p), \quad
    R_\alpha^{-1} = \begin{pmatrix} \cos\alpha & -\sin\alpha \\ \sin\alpha & \cos\alpha \end{pmatrix}
    \ \text{(counter-clockwise as displayed, about the image centre)},

    \text{zoom by } s:\ x'(\mathbf p) = x(\mathbf p / s), \qquad
    \text{horizontal flip: } x'_{c,i,j} = x_{c,i,W-1-j}, \qquad
    \text{crop: } x'_{c,i,j} = \tilde x_{c,\,t+i,\,l+j},

    \text{brightness: } x' = \operatorname{clip}(b\,x), \qquad
    \text{contrast: } x' = \operatorname{clip}(c\,(x - \mu) + \mu),\ \mu = \text{mean of the sample over } (C, H, W).

Rotation and zoom sample the input bilinearly (``F.affine_grid`` + ``F.grid_sample``, ``align_corners=False``)
with zeros outside the image; :math:`\tilde x` is the input with ``padding`` zeros on each side.
Brightness and contrast clip to ``clamp`` (default ``(0, 1)``, the range of ``dlcourse.data.load_digits``;
``None`` turns clipping off).

Text (token lists, Python's ``random.Random``): synonym replacement and random deletion, from
Wei and Zou, "EDA: Easy Data Augmentation Techniques for Boosting Performance on Text Classification" (2019).

Shapes:
    N samples, C channels, H, W height and width. Images x (N, C, H, W), floating point; per-sample
    parameters (angles, factors, offsets) (N,). Every image transform returns a tensor of x's dtype and device.

Randomness: every random transform takes ``generator`` (a CPU ``torch.Generator``; ``None`` uses torch's global CPU
generator). Random numbers are drawn on the CPU and then moved to ``x.device``, so one seed gives the same
augmentation on every device.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

Transform = Callable[..., Tensor]


def _check_images(x: Tensor) -> None:
    if not isinstance(x, Tensor) or x.dim() != 4 or not x.is_floating_point():
        what = f"shape {tuple(x.shape)}, dtype {x.dtype}" if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(f"expected a floating-point tensor of images of shape (N, C, H, W), got {what}; "
                         "add a channel axis with x.unsqueeze(1) and convert with x.float()")


def _uniform(n: int, low: float, high: float, x: Tensor, generator: torch.Generator | None) -> Tensor:
    """n numbers from U[low, high), drawn on the CPU (reproducible across devices), as x's dtype on x's device."""
    u = torch.rand(n, generator=generator, dtype=torch.float64)  # (N,)
    return (low + (high - low) * u).to(device=x.device, dtype=x.dtype)


def _per_sample(value: Tensor | float, x: Tensor, name: str) -> Tensor:
    """A number or an (N,) tensor as an (N,) tensor of x's dtype on x's device."""
    v = torch.as_tensor(value, dtype=x.dtype, device=x.device)
    if v.dim() == 0:
        v = v.expand(x.shape[0])
    if v.shape != (x.shape[0],):
        raise ValueError(f"{name} must be a number or a tensor of shape (N,) = ({x.shape[0]},), got {tuple(v.shape)}")
    return v


def _affine(x: Tensor, A: Tensor) -> Tensor:
    """Sample x at A @ p for every output position p (normalised coordinates in [-1, 1], centre 0)."""
    theta = torch.cat([A, A.new_zeros(A.shape[0], 2, 1)], dim=2)  # (N, 2, 3): no translation
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)  # (N, H, W, 2)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def rotate(x: Tensor, degrees: Tensor | float) -> Tensor:
    """Rotate each image counter-clockwise (as displayed) by ``degrees`` about its centre; zeros fill the corners.

    ``degrees`` is a number or an (N,) tensor (one angle per sample); gradients flow to ``x`` and ``degrees``.
    A multiple of 90 degrees on a square image equals ``torch.rot90`` up to rounding.

    >>> x = torch.arange(4.0).view(1, 1, 2, 2)
    >>> torch.allclose(rotate(x, 90.0), torch.rot90(x, 1, dims=(2, 3)), atol=1e-6)
    True
    """
    _check_images(x)
    N, _, H, W = x.shape
    a = torch.deg2rad(_per_sample(degrees, x, "degrees"))  # (N,)
    cos, sin = torch.cos(a), torch.sin(a)
    # R^{-1} in pixel units, rescaled to normalised units (x by W/2, y by H/2) so non-square images are not sheared
    A = torch.stack([torch.stack([cos, -sin * H / W], dim=1),
                     torch.stack([sin * W / H, cos], dim=1)], dim=1)  # (N, 2, 2)
    return _affine(x, A)


def random_rotation(x: Tensor, max_degrees: float, generator: torch.Generator | None = None) -> Tensor:
    """Rotate each image by its own angle drawn from U[-max_degrees, max_degrees]."""
    _check_images(x)
    return rotate(x, _uniform(x.shape[0], -max_degrees, max_degrees, x, generator))


def zoom(x: Tensor, factor: Tensor | float) -> Tensor:
    """Zoom each image about its centre by ``factor`` (a number or (N,)): > 1 enlarges, < 1 shrinks (zero border).

    The output keeps the input's size. ``zoom(x, 1.0)`` returns x up to rounding.
    """
    _check_images(x)
    s = _per_sample(factor, x, "factor")  # (N,)
    eye = torch.eye(2, dtype=x.dtype, device=x.device)
    return _affine(x, eye / s.view(-1, 1, 1))  # (N, 2, 2): sample the input at p / s


def random_scale(x: Tensor, scale: tuple[float, float] = (0.9, 1.1),
                 generator: torch.Generator | None = None) -> Tensor:
    """Zoom each image by its own factor drawn from U[scale[0], scale[1]]."""
    _check_images(x)
    low, high = scale
    if not 0 < low <= high:
        raise ValueError(f"scale must be (low, high) with 0 < low <= high, got {scale}")
    return zoom(x, _uniform(x.shape[0], low, high, x, generator))


def hflip(x: Tensor) -> Tensor:
    """Mirror every image left to right: x'[..., j] = x[..., W - 1 - j]."""
    _check_images(x)
    return x.flip(-1)


def random_hflip(x: Tensor, p: float = 0.5, generator: torch.Generator | None = None) -> Tensor:
    """Mirror each image independently with probability ``p``."""
    _check_images(x)
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    flip = torch.rand(x.shape[0], generator=generator) < p  # (N,) drawn on the CPU
    return torch.where(flip.to(x.device).view(-1, 1, 1, 1), x.flip(-1), x)


def _size(size: int | tuple[int, int]) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))


def crop(x: Tensor, top: Tensor | int, left: Tensor | int, size: int | tuple[int, int]) -> Tensor:
    """Cut an (h, w) window out of each image at its own offset: out[n] = x[n, :, top[n]:top[n]+h, left[n]:left[n]+w].

    ``top`` and ``left`` are ints or (N,) integer tensors; windows must lie inside the image.
    """
    _check_images(x)
    N, C, H, W = x.shape
    h, w = _size(size)
    top = torch.as_tensor(top, dtype=torch.long).expand(N).to(x.device)  # (N,)
    left = torch.as_tensor(left, dtype=torch.long).expand(N).to(x.device)  # (N,)
    if h > H or w > W or bool((top < 0).any() or (top > H - h).any() or (left < 0).any() or (left > W - w).any()):
        raise ValueError(f"crop windows of size {(h, w)} must lie inside images of size {(H, W)}")
    rows = top.view(N, 1) + torch.arange(h, device=x.device)  # (N, h)
    cols = left.view(N, 1) + torch.arange(w, device=x.device)  # (N, w)
    n = torch.arange(N, device=x.device).view(N, 1, 1, 1)
    c = torch.arange(C, device=x.device).view(1, C, 1, 1)
    return x[n, c, rows.view(N, 1, h, 1), cols.view(N, 1, 1, w)]  # (N, C, h, w)


def random_crop(x: Tensor, size: int | tuple[int, int], padding: int = 0,
                generator: torch.Generator | None = None) -> Tensor:
    """Pad with ``padding`` zeros on every side, then crop an (h, w) window at a random offset per image.

    Offsets are uniform over all windows that fit, drawn as ``top = torch.randint(0, H + 2p - h + 1, (N,))``
    and then ``left = torch.randint(0, W + 2p - w + 1, (N,))`` with ``generator``.
    """
    _check_images(x)
    h, w = _size(size)
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    if padding:
        x = F.pad(x, (padding, padding, padding, padding))  # (N, C, H + 2p, W + 2p), zeros
    N, _, H, W = x.shape
    if not (0 < h <= H and 0 < w <= W):
        raise ValueError(f"crop size {(h, w)} must fit the padded images of size {(H, W)}")
    top = torch.randint(0, H - h + 1, (N,), generator=generator)
    left = torch.randint(0, W - w + 1, (N,), generator=generator)
    return crop(x, top, left, (h, w))


def _clip(x: Tensor, clamp: tuple[float, float] | None) -> Tensor:
    return x if clamp is None else x.clamp(clamp[0], clamp[1])


def adjust_brightness(x: Tensor, factor: Tensor | float, clamp: tuple[float, float] | None = (0.0, 1.0)) -> Tensor:
    """Scale every pixel: x' = clip(b x), with b a number or one factor per sample (N,)."""
    _check_images(x)
    b = _per_sample(factor, x, "factor").view(-1, 1, 1, 1)
    return _clip(b * x, clamp)


def adjust_contrast(x: Tensor, factor: Tensor | float, clamp: tuple[float, float] | None = (0.0, 1.0)) -> Tensor:
    """Stretch each sample about its mean: x' = clip(c (x - mu) + mu), mu = mean over (C, H, W) of that sample."""
    _check_images(x)
    c = _per_sample(factor, x, "factor").view(-1, 1, 1, 1)
    mu = x.mean(dim=(1, 2, 3), keepdim=True)  # (N, 1, 1, 1)
    return _clip(c * (x - mu) + mu, clamp)


def color_jitter(x: Tensor, brightness: float = 0.2, contrast: float = 0.2,
                 generator: torch.Generator | None = None, clamp: tuple[float, float] | None = (0.0, 1.0)) -> Tensor:
    """Brightness factor b ~ U[1 - brightness, 1 + brightness], then contrast c ~ U[1 - contrast, 1 + contrast].

    All b are drawn before all c. Clipping to ``clamp`` happens after each step.
    """
    _check_images(x)
    if not (0 <= brightness <= 1 and 0 <= contrast <= 1):
        raise ValueError(f"brightness and contrast must be in [0, 1], got {brightness} and {contrast}")
    b = _uniform(x.shape[0], 1 - brightness, 1 + brightness, x, generator)
    c = _uniform(x.shape[0], 1 - contrast, 1 + contrast, x, generator)
    return adjust_contrast(adjust_brightness(x, b, clamp), c, clamp)


class Compose:
    """Apply transforms in order, each called as ``t(x, generator=generator)`` with the same generator.

    Bind a transform's own arguments with ``functools.partial``; wrap deterministic ones in a lambda.

    >>> from functools import partial
    >>> aug = Compose([partial(random_rotation, max_degrees=10), partial(random_crop, size=8, padding=1)])
    >>> aug(torch.rand(4, 1, 8, 8), generator=torch.Generator().manual_seed(0)).shape
    torch.Size([4, 1, 8, 8])
    """

    def __init__(self, transforms: Sequence[Transform]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        for t in self.transforms:
            x = t(x, generator=generator)
        return x

    def __repr__(self) -> str:
        return f"Compose({self.transforms!r})"


def synonym_replacement(tokens: list[str], synonyms: dict[str, list[str]], n: int, rng: random.Random) -> list[str]:
    """Replace up to ``n`` tokens that have an entry in ``synonyms`` by a random synonym (new list; input untouched).

    The positions are chosen uniformly among the replaceable tokens, without repetition.

    >>> synonym_replacement(["a", "big", "dog"], {"big": ["large"]}, n=1, rng=random.Random(0))
    ['a', 'large', 'dog']
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    out = list(tokens)
    candidates = [i for i, t in enumerate(tokens) if synonyms.get(t)]
    for i in rng.sample(candidates, min(n, len(candidates))):
        out[i] = rng.choice(synonyms[tokens[i]])
    return out


def random_deletion(tokens: list[str], p: float, rng: random.Random) -> list[str]:
    """Delete each token independently with probability ``p``; if all are deleted, keep one random token.

    >>> random_deletion(["only"], p=1.0, rng=random.Random(0))
    ['only']
    """
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not tokens:
        raise ValueError("tokens is empty: there is nothing to keep")
    kept = [t for t in tokens if rng.random() >= p]
    return kept if kept else [rng.choice(tokens)]


__all__ = [
    "Compose",
    "adjust_brightness",
    "adjust_contrast",
    "color_jitter",
    "crop",
    "hflip",
    "random_crop",
    "random_deletion",
    "random_hflip",
    "random_rotation",
    "random_scale",
    "rotate",
    "synonym_replacement",
    "zoom",
]
