r"""Federated learning: the server's average, a label-skewed split of a data set, and what a gradient leaks.

**Federated averaging** (FedAvg, McMahan et al. 2017): after each round, client :math:`j`, which holds
:math:`n_j` of the :math:`n = \sum_j n_j` examples, sends its locally trained parameters :math:`\theta_j`; the
server replaces the global model by their weighted mean

.. math::  \theta \leftarrow \sum_{j=1}^{J} \frac{n_j}{n}\, \theta_j .

:func:`fedavg` takes any non-negative weights and normalises them, so ``weights=[n_1, ..., n_J]`` gives the
:math:`n_j / n` above. (McMahan et al. write K for the number of clients; the course keeps K for the classes.)

**Dirichlet label skew**: :func:`dirichlet_split` spreads the examples of each class :math:`c` over the clients in
shares :math:`p_c \sim \mathrm{Dir}(\alpha, \dots, \alpha)`, the per-class form of Yurochkin et al. (2019). Hsu,
Qi and Brown (2019) draw each client's class shares instead; in both, a large :math:`\alpha` gives every client
about the global mix of classes (close to an IID split) and a small :math:`\alpha` gives each client about one
class.

**Gradient leakage** of one example through a first linear layer :math:`z = W x + b`: since
:math:`\partial \ell / \partial W = (\partial \ell / \partial z)\, x^\top` and :math:`\partial \ell / \partial b =
\partial \ell / \partial z`, every row :math:`i` with :math:`\partial \ell / \partial b_i \ne 0` gives
:math:`x = (\partial \ell / \partial W_{i,:}) / (\partial \ell / \partial b_i)` (Geiping et al. 2020). Through a
softmax and cross-entropy, :math:`\partial \ell / \partial z_k = \hat y_k - [k = y]` is negative only at the
label, so the last layer's gradient gives the label away (Zhao et al. 2020, iDLG).

Shapes: a state dict maps names to tensors of any shape; ``labels`` is (N,); ``grad_W`` is (D_out, D_in) as
``nn.Linear.weight``, ``grad_b`` is (D_out,).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch


def _weights(weights: Sequence[float] | torch.Tensor, n: int) -> torch.Tensor:
    w = torch.as_tensor(weights, dtype=torch.float64).detach().cpu()
    if w.dim() != 1 or len(w) != n:
        raise ValueError(f"expected one weight per state dict ({n}), got weights of shape {tuple(w.shape)}")
    if not torch.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"weights must be finite and non-negative, got {w.tolist()}")
    total = w.sum()
    if total == 0:
        raise ValueError("all weights are zero: give at least one client a positive weight (e.g. its n_j)")
    return w / total  # (J,), sums to 1


def fedavg(states: Sequence[Mapping[str, torch.Tensor]], weights: Sequence[float] | torch.Tensor) -> dict[str, torch.Tensor]:
    r"""The weighted mean :math:`\sum_j w_j \theta_j / \sum_j w_j` of J state dicts, key by key.

    Args:
        states: J >= 1 state dicts (``model.state_dict()``) with the same keys, and the same shape and dtype per key.
        weights: J non-negative numbers, not all zero (a list or a 1-D tensor), e.g. each client's n_j;
            they are normalised to sum to 1.

    Returns:
        A new dict with the keys of ``states[0]`` in its order. A floating-point tensor is the weighted mean,
        computed in its own dtype. An integer (or bool) tensor, such as BatchNorm's ``num_batches_tracked``, is
        the weighted mean computed in float64, rounded to the nearest integer and cast back to its dtype: a
        count that stays a count, on the scale of one client's.

    Raises:
        ValueError: on an empty list, a wrong number of weights, negative, non-finite or all-zero weights,
            and state dicts whose keys, shapes or dtypes differ.

    >>> a, b = {"w": torch.tensor([0.0, 2.0])}, {"w": torch.tensor([4.0, 6.0])}
    >>> fedavg([a, b], weights=[3, 1])["w"]
    tensor([1., 3.])
    """
    if len(states) == 0:
        raise ValueError("fedavg needs at least one state dict, got an empty list")
    w = _weights(weights, len(states))
    keys = list(states[0].keys())
    for k, state in enumerate(states[1:], start=1):
        if set(state.keys()) != set(keys):
            missing, extra = sorted(set(keys) - set(state)), sorted(set(state) - set(keys))
            raise ValueError(f"state dict {k} has other keys than state dict 0: missing {missing}, extra {extra}")
    out = {}
    for key in keys:
        first = states[0][key]
        for k, state in enumerate(states):
            t = state[key]
            if t.shape != first.shape or t.dtype != first.dtype:
                raise ValueError(f"{key!r}: state dict {k} has shape {tuple(t.shape)} and dtype {t.dtype}, "
                                 f"state dict 0 shape {tuple(first.shape)} and dtype {first.dtype}")
        stacked = torch.stack([state[key].detach() for state in states])  # (J, *shape)
        if first.is_floating_point() or first.is_complex():
            w_j = w.to(device=first.device, dtype=first.dtype).view(-1, *[1] * first.dim())  # (J, 1, ..., 1)
            out[key] = (w_j * stacked).sum(dim=0)
        else:
            w_j = w.to(device=first.device).view(-1, *[1] * first.dim())  # (J, 1, ..., 1), float64
            out[key] = (w_j * stacked.to(torch.float64)).sum(dim=0).round().to(first.dtype)
    return out


def dirichlet_split(labels: torch.Tensor, n_clients: int, alpha: float,
                    generator: torch.Generator | None = None) -> list[torch.Tensor]:
    r"""Partition the examples over ``n_clients`` clients, each class in shares :math:`p_c \sim \mathrm{Dir}(\alpha)`.

    For each class c (in sorted order), its examples are shuffled and cut in ``n_clients`` consecutive pieces of
    sizes ``round(cumsum(p_c) * n_c)`` differences, so client j gets about :math:`p_{c,j} n_c` of them. The
    shares come from NumPy's Dirichlet sampler, seeded by one draw from ``generator`` (the global generator if
    None): the same generator state gives the same split.

    Args:
        labels: (N,) integer class labels.
        n_clients: the number of clients, >= 1.
        alpha: the Dirichlet concentration, > 0: large about IID, small about one class per client.
        generator: a CPU ``torch.Generator`` for reproducible splits.

    Returns:
        ``n_clients`` 1-D int64 tensors of indices into ``labels``, each sorted; together they hold every index
        once. A client may get no examples when ``alpha`` is small.

    >>> parts = dirichlet_split(torch.tensor([0, 0, 1, 1, 1]), 2, alpha=1.0, generator=torch.Generator().manual_seed(0))
    >>> sorted(torch.cat(parts).tolist())
    [0, 1, 2, 3, 4]
    """
    labels = torch.as_tensor(labels)
    if labels.dim() != 1 or labels.is_floating_point() or labels.is_complex():
        raise ValueError(f"expected labels of shape (N,) with an integer dtype, got {tuple(labels.shape)} {labels.dtype}")
    if not isinstance(n_clients, int) or n_clients < 1:
        raise ValueError(f"n_clients must be a positive int, got {n_clients!r}")
    if not (isinstance(alpha, (int, float)) and np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a finite number > 0, got {alpha!r}")
    labels = labels.cpu()
    seed = int(torch.randint(0, 2**62, (1,), generator=generator))
    rng = np.random.default_rng(seed)
    pieces: list[list[torch.Tensor]] = [[] for _ in range(n_clients)]
    for c in torch.unique(labels):  # sorted
        idx = (labels == c).nonzero().flatten()  # (n_c,)
        idx = idx[torch.randperm(len(idx), generator=generator)]
        shares = torch.as_tensor(rng.dirichlet([float(alpha)] * n_clients))  # (n_clients,), sums to 1
        cuts = (torch.cumsum(shares, dim=0) * len(idx)).round().long()  # (n_clients,), non-decreasing
        cuts[-1] = len(idx)
        for j, part in enumerate(torch.tensor_split(idx, cuts[:-1])):
            pieces[j].append(part)
    return [torch.sort(torch.cat(p)).values if p else torch.zeros(0, dtype=torch.long) for p in pieces]


def leak_label(grad_W: torch.Tensor) -> int:
    r"""The label of ONE example from the gradient (K, D_h) of its loss w.r.t. the last layer's weight (iDLG).

    With softmax and cross-entropy, row k of the gradient is :math:`(\hat y_k - [k = y])\, h`; for activations
    :math:`h \ge 0` (after a ReLU) only the label's row sums to a negative number.

    >>> leak_label(torch.tensor([[0.2, 0.1], [-0.5, -0.3], [0.3, 0.2]]))
    1
    """
    if grad_W.dim() != 2:
        raise ValueError(f"expected grad_W of shape (K, D_h), got {tuple(grad_W.shape)}")
    return int(grad_W.sum(dim=1).argmin())


def reconstruct_input(grad_W: torch.Tensor, grad_b: torch.Tensor) -> torch.Tensor:
    r"""The input x (D_in,) of ONE example from the gradients of a first linear layer z = W x + b.

    :math:`\partial \ell / \partial W = g\, x^\top` with :math:`g = \partial \ell / \partial b` (D_out,), so
    :math:`x = (\partial \ell / \partial W)^\top g / \|g\|^2`: each row with :math:`g_i \ne 0` gives x, and the
    weighted mean over rows is exact in real arithmetic and does not divide by a tiny :math:`g_i`.

    Raises:
        ValueError: on shapes that are not (D_out, D_in) and (D_out,), or a bias gradient of all zeros (then the
            layer's gradient carries nothing about x).

    >>> reconstruct_input(torch.tensor([[2.0, 4.0], [0.0, 0.0]]), torch.tensor([2.0, 0.0]))
    tensor([1., 2.])
    """
    if grad_W.dim() != 2 or grad_b.dim() != 1 or grad_W.shape[0] != grad_b.shape[0]:
        raise ValueError(f"expected grad_W (D_out, D_in) and grad_b (D_out,), got {tuple(grad_W.shape)} "
                         f"and {tuple(grad_b.shape)}")
    norm2 = (grad_b * grad_b).sum()
    if norm2 == 0:
        raise ValueError("the bias gradient is all zeros: this gradient carries no information about x")
    return grad_W.T @ grad_b / norm2  # (D_in, D_out) @ (D_out,) -> (D_in,)
