r"""A generated graph with communities (a stochastic block model) for node classification.

``community_graph`` draws K communities of ``n_per_class`` nodes each. Two nodes of the same community are joined
with probability ``p_in``, of different communities with ``p_out`` (each unordered pair at most once, no
self-loops): the stochastic block model of Holland, Laskey and Leinhardt (1983). Each node's features are its
community's mean, a random point of norm ``signal`` in D dimensions, plus standard normal noise, so features alone
classify nodes only partly and the edges hold the rest of the information.

Shapes:
    N = K * n_per_class nodes, E directed edges (both directions of every undirected edge), D features.
    x (N, D) float32; edge_index (2, E) long, sorted by source; y (N,) long in 0..K-1.
"""

from __future__ import annotations

import torch
from torch import Tensor


def community_graph(n_per_class: int = 50, n_classes: int = 4, p_in: float = 0.15, p_out: float = 0.01,
                    n_features: int = 16, signal: float = 1.0, seed: int = 0) -> tuple[Tensor, Tensor, Tensor]:
    """Node features, an undirected edge list and community labels of a stochastic block model (see module)."""
    if n_per_class < 1 or n_classes < 1 or n_features < 1:
        raise ValueError("n_per_class, n_classes and n_features must be positive")
    if not (0.0 <= p_out <= 1.0 and 0.0 <= p_in <= 1.0):
        raise ValueError(f"p_in and p_out must be probabilities, got {p_in}, {p_out}")
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n_classes).repeat_interleave(n_per_class)  # (N,)
    n = len(y)
    same = y[:, None] == y[None, :]  # (N, N)
    p = torch.where(same, torch.tensor(p_in), torch.tensor(p_out))  # (N, N)
    upper = torch.triu(torch.rand(n, n, generator=g) < p, diagonal=1)  # each unordered pair once, no loop
    adjacency = upper | upper.T  # (N, N) symmetric
    edge_index = adjacency.nonzero().T.contiguous()  # (2, E), row-major: sorted by source
    centres = torch.randn(n_classes, n_features, generator=g)  # (K, D)
    centres = signal * centres / centres.norm(dim=1, keepdim=True)
    x = centres[y] + torch.randn(n, n_features, generator=g)  # (N, D)
    return x, edge_index, y
