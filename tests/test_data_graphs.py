"""The generated community graph: undirected, no self-loops, deterministic, and with the densities asked for."""

import pytest
import torch

from dlcourse.data import community_graph


def test_community_graph_is_undirected_deterministic_and_has_the_asked_densities():
    x, edge_index, y = community_graph(n_per_class=100, n_classes=3, p_in=0.2, p_out=0.02, n_features=5, seed=1)
    assert x.shape == (300, 5) and y.shape == (300,) and edge_index.shape[0] == 2
    assert torch.equal(torch.bincount(y), torch.tensor([100, 100, 100]))
    src, dst = edge_index
    assert not (src == dst).any()
    pairs = set(zip(src.tolist(), dst.tolist()))
    assert all((j, i) in pairs for i, j in pairs) and len(pairs) == edge_index.shape[1]
    same = y[src] == y[dst]
    within = same.sum().item() / 2 / (3 * 100 * 99 / 2)      # realised density inside communities
    across = (~same).sum().item() / 2 / (3 * 100 * 200 / 2)  # and across them
    assert abs(within - 0.2) < 0.02 and abs(across - 0.02) < 0.005
    again = community_graph(n_per_class=100, n_classes=3, p_in=0.2, p_out=0.02, n_features=5, seed=1)
    assert all(torch.equal(a, b) for a, b in zip((x, edge_index, y), again))
    assert not torch.equal(community_graph(n_per_class=100, n_classes=3, seed=2)[1], edge_index)
    # features carry the class, but only partly: the nearest class mean is right for some nodes, not all
    means = torch.stack([x[y == k].mean(0) for k in range(3)])
    accuracy = (torch.cdist(x, means).argmin(1) == y).float().mean()
    assert 0.45 < accuracy < 0.85


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="must be positive"):
        community_graph(n_per_class=0)
    with pytest.raises(ValueError, match="must be probabilities"):
        community_graph(p_in=1.5)
