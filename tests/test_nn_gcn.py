"""``dlcourse.nn.GCNConv`` against PyTorch Geometric's ``GCNConv``: state dicts load both ways, and outputs and
gradients (for x, the weight, the bias and the edge weights) are equal in float64 on the karate club, on random
graphs with isolated nodes, self-loops of their own and one-way edges; the edge-list form equals the dense
formula D^-1/2 (A + I) D^-1/2 X W^T + b."""

import pytest
import torch
import torch_geometric.nn as pyg_nn
from torch_geometric.datasets import KarateClub
from torch_geometric.nn.conv.gcn_conv import gcn_norm as pyg_gcn_norm

from dlcourse.nn import GCNConv
from dlcourse.nn.gcn import gcn_norm


def _random_graph(gen, n, e, loops=True):
    edge_index = torch.randint(0, n, (2, e), generator=gen)
    if not loops:
        edge_index = edge_index[:, edge_index[0] != edge_index[1]]
    return edge_index


def _pair(gen, d_in, d_out, bias=True):
    ours = GCNConv(d_in, d_out, bias=bias).double()
    ref = pyg_nn.GCNConv(d_in, d_out, bias=bias).double()
    with torch.no_grad():  # a non-zero bias, so that it is tested
        for p in ref.parameters():
            p.copy_(torch.randn(p.shape, dtype=p.dtype, generator=gen))
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def _check(ours, ref, x, edge_index, edge_weight, gen):
    inputs = [x] + ([edge_weight] if edge_weight is not None else [])
    out, expected = ours(x, edge_index, edge_weight), ref(x, edge_index, edge_weight)
    torch.testing.assert_close(out, expected)
    w = torch.randn(out.shape, dtype=out.dtype, generator=gen)
    g_ours = torch.autograd.grad((out * w).sum(), inputs + list(ours.parameters()))
    g_ref = torch.autograd.grad((expected * w).sum(), inputs + list(ref.parameters()))
    for a, b in zip(g_ours, g_ref):
        torch.testing.assert_close(a, b)


def test_state_dicts_have_pyg_names_and_load_both_ways(gen):
    ours, ref = GCNConv(5, 3), pyg_nn.GCNConv(5, 3)
    assert sorted(ours.state_dict()) == sorted(ref.state_dict()) == ["bias", "lin.weight"]
    ref.load_state_dict(ours.state_dict())
    for key, value in ours.state_dict().items():
        assert torch.equal(ref.state_dict()[key], value)
    assert torch.all(ours.bias == 0) and ours.lin.weight.abs().max() <= (6 / 8) ** 0.5
    assert "bias" not in GCNConv(5, 3, bias=False).state_dict()


def test_equals_pyg_on_the_karate_club(gen):
    data = KarateClub()[0]
    ours, ref = _pair(gen, 34, 4)
    x = data.x.double().requires_grad_()
    _check(ours, ref, x, data.edge_index, None, gen)


@pytest.mark.parametrize("n, e, bias", [(1, 0, True), (7, 5, True), (30, 90, False), (50, 400, True)])
def test_equals_pyg_on_random_graphs(gen, n, e, bias):
    # isolated nodes (n=7, e=5), existing self-loops and one-way edges (randint), a graph with no edge at all
    ours, ref = _pair(gen, 6, 4, bias=bias)
    x = torch.randn(n, 6, dtype=torch.float64, generator=gen).requires_grad_()
    _check(ours, ref, x, _random_graph(gen, n, e), None, gen)


@pytest.mark.parametrize("loops", [True, False])
def test_equals_pyg_with_edge_weights(gen, loops):
    ours, ref = _pair(gen, 3, 2)
    edge_index = _random_graph(gen, 12, 40, loops=loops)
    x = torch.randn(12, 3, dtype=torch.float64, generator=gen).requires_grad_()
    weight = torch.rand(edge_index.shape[1], dtype=torch.float64, generator=gen).add(0.1).requires_grad_()
    _check(ours, ref, x, edge_index, weight, gen)


def test_gcn_norm_equals_pyg_and_the_dense_formula(gen):
    n = 9
    edge_index = _random_graph(gen, n, 25)
    ours = gcn_norm(edge_index, n, dtype=torch.float64)
    ref = pyg_gcn_norm(edge_index, None, n, dtype=torch.float64)
    assert torch.equal(ours[0], ref[0])
    torch.testing.assert_close(ours[1], ref[1])
    # dense: A_hat[i, j] counts edges j -> i, self-loops replaced by one per node
    A = torch.zeros(n, n, dtype=torch.float64)
    off = edge_index[0] != edge_index[1]
    A.index_put_((edge_index[1, off], edge_index[0, off]), torch.ones(int(off.sum()), dtype=torch.float64),
                 accumulate=True)
    A_hat = A + torch.eye(n, dtype=torch.float64)
    d = A_hat.sum(1).rsqrt()
    dense = d[:, None] * A_hat * d[None, :]
    conv = GCNConv(4, 3).double()
    x = torch.randn(n, 4, dtype=torch.float64, generator=gen)
    torch.testing.assert_close(conv(x, edge_index), dense @ x @ conv.lin.weight.T + conv.bias)


def test_float32_and_bad_inputs():
    conv = GCNConv(4, 2)
    x, edge_index = torch.randn(5, 4), torch.tensor([[0, 1, 2], [1, 2, 3]])
    assert conv(x, edge_index).dtype == torch.float32 and conv(x, edge_index).shape == (5, 2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 4\)"):
        conv(torch.randn(5, 3), edge_index)
    with pytest.raises(ValueError, match=r"edge_index must have shape \(2, E\)"):
        conv(x, edge_index.T)
    with pytest.raises(TypeError, match="long"):
        conv(x, edge_index.float())
    with pytest.raises(ValueError, match="nodes outside 0..4"):
        conv(x, torch.tensor([[0], [5]]))
    with pytest.raises(ValueError, match="edge_weight must have shape"):
        conv(x, edge_index, torch.ones(4))
    with pytest.raises(ValueError, match="must be positive"):
        GCNConv(0, 2)
