r"""Contrastive learning: SimCLR's NT-Xent loss (normalised temperature-scaled cross-entropy), and CLIP's
symmetric image-text loss (``clip_loss``, at the end of the file).

Chen, Kornblith, Norouzi and Hinton, 2020 (*A Simple Framework for Contrastive Learning of Visual Representations*).
Each of N examples is augmented twice; an encoder and a projection head map the two views to ``z1[i]`` and
``z2[i]``. Stack them into 2N vectors :math:`u_1, \dots, u_{2N}` (``z1`` first, then ``z2``), so that the two views
of example :math:`i` are :math:`u_i` and :math:`u_{i+N}`. With cosine similarity
:math:`s_{ab} = u_a^\top u_b / (\lVert u_a \rVert \lVert u_b \rVert)` and temperature :math:`\tau`, anchor
:math:`a` with positive :math:`p(a)` (the other view of the same example) has the loss

.. math::

    \ell_a = -\log \frac{\exp(s_{a\,p(a)} / \tau)}{\sum_{b \ne a} \exp(s_{ab} / \tau)},
    \qquad \mathcal{L} = \frac{1}{2N} \sum_{a=1}^{2N} \ell_a .

The denominator runs over the other :math:`2N - 1` vectors: the positive and the :math:`2N - 2` views of the other
examples (the negatives). The anchor itself is left out; otherwise its similarity with itself, always 1, would sit in
every denominator. This is a cross-entropy over 2N - 1 "classes" whose correct class is the positive, so it is
computed as one: the 2N x 2N similarity matrix divided by :math:`\tau`, its diagonal masked out, and
:func:`dlcourse.nn.cross_entropy` with target :math:`p(a)` for row :math:`a`.

Two values to keep in mind: if every vector is the same, each :math:`\ell_a = \log(2N - 1)`; if the two views of an
example coincide and different examples are orthogonal, :math:`\ell_a = \log(1 + (2N - 2)\, e^{-1/\tau})`.

Shapes:
    N examples, D the dimension of an embedding. z1, z2 (N, D); the stacked views u (2N, D); the similarity
    matrix (2N, 2N); the positives' indices (2N,); the loss a scalar.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from dlcourse.nn.losses import cross_entropy


def _check_pairs(a: Tensor, b: Tensor, names: tuple[str, str], hint: str, temperature: float) -> None:
    """Both losses take two (N, D) tensors whose row i is one pair, and a positive finite temperature."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise ValueError(f"expected {names[0]} and {names[1]} to be tensors, got {type(a).__name__} and "
                         f"{type(b).__name__}")
    if a.dim() != 2 or a.shape != b.shape or a.shape[0] < 1:
        raise ValueError(f"expected {names[0]} and {names[1]} of the same shape (N, D) with N >= 1, got "
                         f"{tuple(a.shape)} and {tuple(b.shape)}; {hint}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")


def nt_xent_loss(z1: Tensor, z2: Tensor, temperature: float = 0.5) -> Tensor:
    r"""SimCLR's NT-Xent loss of two views ``z1``, ``z2`` (N, D), row i of each a view of example i; a scalar.

    :math:`\mathcal{L} = \frac{1}{2N} \sum_a -\log \frac{\exp(s_{a\,p(a)}/\tau)}{\sum_{b \ne a} \exp(s_{ab}/\tau)}`
    over the 2N stacked views, :math:`s` the cosine similarity, :math:`p(a)` the other view of a's example.
    Raises ValueError unless z1 and z2 have the same shape (N, D) with N >= 1, and unless ``temperature`` is a
    positive finite number. A vector of norm below 1e-8 is divided by 1e-8 instead of its norm (as
    ``F.cosine_similarity`` does).

    >>> u = torch.ones(3, 4)  # all 2N = 6 vectors equal: every anchor sees 5 equal candidates
    >>> round(nt_xent_loss(u, u).item(), 4), round(math.log(5), 4)
    (1.6094, 1.6094)
    """
    _check_pairs(z1, z2, ("z1", "z2"), "flatten each view's embedding to one row per example", temperature)
    N = z1.shape[0]
    u = torch.cat([z1, z2], dim=0)  # (2N, D): views 1 of all examples, then views 2
    u = u / u.norm(dim=1, keepdim=True).clamp_min(1e-8)  # unit rows, so u @ u.T holds cosines
    logits = u @ u.T / temperature  # (2N, D) @ (D, 2N) -> (2N, 2N)
    self_pair = torch.eye(2 * N, dtype=torch.bool, device=u.device)  # (2N, 2N)
    # finfo.min rather than -inf: exp(finfo.min - max) is exactly 0 and no inf - inf can appear
    logits = logits.masked_fill(self_pair, torch.finfo(logits.dtype).min)
    idx = torch.arange(N, device=u.device)
    positive = torch.cat([idx + N, idx])  # (2N,): row a < N pairs with a + N, row a + N with a
    return cross_entropy(logits, positive)  # mean over the 2N anchors


def clip_loss(image_emb: Tensor, text_emb: Tensor, temperature: float = 0.07) -> Tensor:
    r"""CLIP's symmetric contrastive (InfoNCE) loss of N matching image-text pairs; a scalar.

    Radford et al., 2021 (*Learning Transferable Visual Models From Natural Language Supervision*). Row i of
    ``image_emb`` and row i of ``text_emb`` embed an image and its caption; every other caption in the batch is a
    negative for image i, and every other image a negative for caption i. With both embeddings scaled to unit
    length, :math:`S = \hat I \hat T^\top / \tau` holds the cosine similarities over the temperature, and

    .. math::

        \mathcal{L} = \frac{1}{2} \Big( \frac{1}{N} \sum_i -\log \frac{e^{S_{ii}}}{\sum_j e^{S_{ij}}}
        + \frac{1}{N} \sum_j -\log \frac{e^{S_{jj}}}{\sum_i e^{S_{ij}}} \Big),

    the cross-entropy of each row of :math:`S` (image to text) and of each column (text to image), the correct
    "class" being the diagonal. If every embedding is the same the loss is :math:`\log N`.

    Shapes:
        image_emb, text_emb (N, D) with N >= 1; S (N, N); the loss a scalar.

    Raises ValueError unless the two have the same shape (N, D) and ``temperature`` is a positive finite number.

    >>> e = torch.ones(4, 3)
    >>> round(clip_loss(e, e, 0.1).item(), 4), round(math.log(4), 4)
    (1.3863, 1.3863)
    """
    _check_pairs(image_emb, text_emb, ("image_emb", "text_emb"), "row i of each must be one pair", temperature)
    image = image_emb / image_emb.norm(dim=1, keepdim=True).clamp_min(1e-8)  # (N, D) unit rows
    text = text_emb / text_emb.norm(dim=1, keepdim=True).clamp_min(1e-8)     # (N, D) unit rows
    S = image @ text.T / temperature  # (N, D) @ (D, N) -> (N, N): row i image i, column j caption j
    target = torch.arange(S.shape[0], device=S.device)  # (N,): the pairs sit on the diagonal
    return (cross_entropy(S, target) + cross_entropy(S.T, target)) / 2
