"""dlcourse.federated: fedavg against torch.stack and a weighted sum (and FedSGD against centralised SGD),
dirichlet_split's partition, determinism and skew, and the gradient leaks against autograd's gradients."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.federated import dirichlet_split, fedavg, leak_label, reconstruct_input


def _model(seed: int, dtype=torch.float64) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 3)).to(dtype)


def _trained_states(n: int, dtype=torch.float64) -> list[dict[str, torch.Tensor]]:
    """n state dicts of the same architecture; each BatchNorm has seen another number of batches."""
    states = []
    for k in range(n):
        model = _model(k, dtype)
        for _ in range(k + 1):  # num_batches_tracked = k + 1, running statistics differ
            model(torch.randn(8, 5, dtype=dtype))
        states.append(model.state_dict())
    return states


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("weights", [[1.0, 1.0, 1.0], [120, 30, 50], [0.0, 2.0, 0.5]])
def test_fedavg_equals_stack_and_weighted_sum(dtype, weights):
    states = _trained_states(3, dtype)
    out = fedavg(states, weights)
    w = torch.tensor(weights, dtype=torch.float64)
    w = w / w.sum()
    assert list(out) == list(states[0])
    for key, value in out.items():
        stacked = torch.stack([s[key] for s in states]).to(torch.float64)  # (J, *shape)
        want = torch.einsum("j,j...->...", w, stacked)
        assert value.dtype == states[0][key].dtype and value.shape == states[0][key].shape
        if value.is_floating_point():
            assert torch.allclose(value.double(), want, rtol=1e-6 if dtype == torch.float32 else 1e-12), key
        else:
            assert torch.equal(value, want.round().to(value.dtype)), key


def test_fedavg_integer_buffers_round_the_weighted_mean():
    states = [{"count": torch.tensor(10)}, {"count": torch.tensor(20)}, {"count": torch.tensor(33)}]
    assert fedavg(states, [1, 1, 1])["count"].item() == 21  # 63 / 3
    assert fedavg(states, [3, 1, 0])["count"].item() == 12  # (30 + 20) / 4 = 12.5, rounded half to even
    assert fedavg(states, [1, 0, 1])["count"].dtype == torch.int64


def test_fedavg_edge_cases_and_loading():
    states = _trained_states(2)
    one = fedavg(states[:1], [5])
    assert all(torch.equal(one[k], states[0][k]) for k in states[0])
    assert all(one[k] is not states[0][k] for k in states[0]), "a new dict of new tensors"
    only_second = fedavg(states, torch.tensor([0.0, 3.0]))
    assert all(torch.allclose(only_second[k], states[1][k]) for k in states[1])
    _model(0).load_state_dict(fedavg(states, [1, 2]))  # loads into the architecture


@pytest.mark.parametrize("states,weights,match", [
    ([], [], "empty"),
    ([{"w": torch.zeros(2)}, {"w": torch.zeros(2)}], [1.0], "one weight per state dict"),
    ([{"w": torch.zeros(2)}, {"w": torch.zeros(2)}], [1.0, -0.5], "non-negative"),
    ([{"w": torch.zeros(2)}, {"w": torch.zeros(2)}], [0.0, 0.0], "all weights are zero"),
    ([{"w": torch.zeros(2)}, {"w": torch.zeros(2)}], [1.0, float("nan")], "finite"),
    ([{"w": torch.zeros(2)}, {"v": torch.zeros(2)}], [1.0, 1.0], "other keys"),
    ([{"w": torch.zeros(2)}, {"w": torch.zeros(3)}], [1.0, 1.0], "shape"),
    ([{"w": torch.zeros(2)}, {"w": torch.zeros(2, dtype=torch.float64)}], [1.0, 1.0], "dtype"),
])
def test_fedavg_rejects_bad_inputs(states, weights, match):
    with pytest.raises(ValueError, match=match):
        fedavg(states, weights)


def test_fedsgd_equals_one_centralised_full_batch_step():
    """One full-batch SGD step per client from the same model, averaged with n_j / n, is one full-batch step
    on the pooled data: the pooled mean gradient is the n_j / n-weighted mean of the clients' mean gradients."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(60, 5, generator=g, dtype=torch.float64), torch.randint(0, 3, (60,), generator=g)
    parts = [torch.arange(0, 7), torch.arange(7, 30), torch.arange(30, 60)]  # unequal n_j
    lr = 0.3

    def step(model, idx):
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        F.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()
        return model.state_dict()

    def fresh():
        torch.manual_seed(1)
        return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).double()

    clients = [step(fresh(), idx) for idx in parts]
    averaged = fedavg(clients, [len(idx) for idx in parts])
    central = step(fresh(), torch.arange(60))
    for key in central:
        assert torch.allclose(averaged[key], central[key], rtol=0, atol=1e-12), key
    equal_weights = fedavg(clients, [1, 1, 1])  # the mutation: weights that ignore n_j
    assert not torch.allclose(equal_weights["0.weight"], central["0.weight"], atol=1e-6)


def _labels(n_per_class=200, K=10, seed=0):
    y = torch.arange(K).repeat_interleave(n_per_class)
    return y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))]


@pytest.mark.parametrize("alpha", [0.05, 1.0, 1e3])
@pytest.mark.parametrize("n_clients", [1, 7, 30])
def test_dirichlet_split_is_a_partition(alpha, n_clients):
    y = _labels()
    parts = dirichlet_split(y, n_clients, alpha, generator=torch.Generator().manual_seed(3))
    assert len(parts) == n_clients
    assert all(p.dtype == torch.long and p.dim() == 1 for p in parts)
    everything = torch.cat(parts)
    assert len(everything) == len(y), "every example exactly once"
    assert torch.equal(torch.sort(everything).values, torch.arange(len(y)))


def test_dirichlet_split_is_deterministic_under_a_generator():
    y = _labels()
    a = dirichlet_split(y, 10, 0.5, generator=torch.Generator().manual_seed(7))
    b = dirichlet_split(y, 10, 0.5, generator=torch.Generator().manual_seed(7))
    c = dirichlet_split(y, 10, 0.5, generator=torch.Generator().manual_seed(8))
    assert all(torch.equal(p, q) for p, q in zip(a, b))
    assert not all(len(p) == len(q) and torch.equal(p, q) for p, q in zip(a, c))


def _skew(y, parts, K=10):
    """(the mean over classes of the share of the class held by its largest client: 1/clients for a perfectly IID
    split, 1 when every class sits on one client; the mean number of classes above 1 % of a non-empty client)"""
    counts = torch.stack([torch.bincount(y[p], minlength=K) for p in parts]).double()  # (clients, K)
    concentration = (counts.max(0).values / counts.sum(0)).mean().item()
    shares = counts / counts.sum(1, keepdim=True).clamp_min(1)  # (clients, K): each client's label shares
    present = (shares > 0.01).sum(1)[counts.sum(1) > 0].double().mean().item()
    return concentration, present, shares


def test_dirichlet_split_skew_follows_alpha():
    y = _labels(n_per_class=2000)
    gen = torch.Generator().manual_seed(0)
    conc_iid, present_iid, shares = _skew(y, dirichlet_split(y, 10, 1e4, generator=gen))
    assert (shares - 0.1).abs().max() < 0.03, "large alpha: every client about 1/K of each class"
    assert conc_iid < 0.12 and present_iid == 10
    conc_mid, present_mid, _ = _skew(y, dirichlet_split(y, 10, 1.0, generator=gen))
    conc_small, present_small, _ = _skew(y, dirichlet_split(y, 10, 0.01, generator=gen))
    assert conc_small > 0.8 and present_small < 3, "small alpha: each class on about one client, few per client"
    assert conc_iid < conc_mid < conc_small and present_small < present_mid


@pytest.mark.parametrize("args,match", [
    ((torch.rand(5), 2, 1.0), "integer dtype"),
    ((torch.zeros(2, 3, dtype=torch.long), 2, 1.0), "shape"),
    ((torch.zeros(4, dtype=torch.long), 0, 1.0), "n_clients"),
    ((torch.zeros(4, dtype=torch.long), 2, 0.0), "alpha"),
    ((torch.zeros(4, dtype=torch.long), 2, float("inf")), "alpha"),
])
def test_dirichlet_split_rejects_bad_inputs(args, match):
    with pytest.raises(ValueError, match=match):
        dirichlet_split(*args)


def _one_example_gradients(seed, dtype=torch.float64, D_in=12, D_h=9, K=5):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(D_in, D_h), nn.ReLU(), nn.Linear(D_h, K)).to(dtype)
    x = torch.rand(1, D_in, dtype=dtype)  # (1, D_in)
    y = torch.randint(0, K, (1,))
    F.cross_entropy(model(x), y).backward()
    return model, x[0], int(y)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gradient_of_one_example_leaks_its_label_and_input(seed, dtype):
    model, x, y = _one_example_gradients(seed, dtype)
    assert leak_label(model[2].weight.grad) == y
    rec = reconstruct_input(model[0].weight.grad, model[0].bias.grad)
    assert rec.shape == x.shape and rec.dtype == dtype
    assert torch.allclose(rec, x, atol=1e-5 if dtype == torch.float32 else 1e-12)


def test_reconstruct_input_is_not_fooled_by_dead_units_and_rejects_bad_inputs():
    g_b = torch.tensor([0.0, 1e-3, 0.0, -2.0], dtype=torch.float64)
    x = torch.tensor([0.2, 0.9, 0.0], dtype=torch.float64)
    assert torch.allclose(reconstruct_input(torch.outer(g_b, x), g_b), x)  # (4, 3): rows of zeros for dead units
    with pytest.raises(ValueError, match="all zeros"):
        reconstruct_input(torch.zeros(4, 3), torch.zeros(4))
    with pytest.raises(ValueError, match="D_out"):
        reconstruct_input(torch.zeros(4, 3), torch.zeros(3))
    with pytest.raises(ValueError, match=r"\(K, D_h\)"):
        leak_label(torch.zeros(5))
