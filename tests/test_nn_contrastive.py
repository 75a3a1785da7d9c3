"""``nt_xent_loss`` against an independent formulation: one anchor at a time, with ``F.cosine_similarity`` for the
similarities and ``F.cross_entropy`` over the other 2N - 1 views (values and gradients for z1 and z2, float64), plus
two closed forms and the argument checks."""

import math

import pytest
import torch
import torch.nn.functional as F

from dlcourse.nn import nt_xent_loss


def _loop_nt_xent(z1, z2, temperature):
    """Anchor by anchor: candidates are every other view, the positive is the other view of the same example."""
    u = torch.cat([z1, z2])  # (2N, D)
    n2 = len(u)
    losses = []
    for a in range(n2):
        others = [b for b in range(n2) if b != a]
        positive = (a + n2 // 2) % n2
        sims = F.cosine_similarity(u[a].unsqueeze(0), u[others], dim=1)  # (2N - 1,)
        target = torch.tensor(others.index(positive))
        losses.append(F.cross_entropy(sims / temperature, target))
    return torch.stack(losses).mean()


@pytest.mark.parametrize("N, D, temperature", [(4, 3, 0.5), (1, 5, 0.5), (7, 16, 0.1), (5, 2, 2.0), (3, 8, 1)])
def test_nt_xent_equals_a_per_anchor_cross_entropy(gen, N, D, temperature):
    z1 = torch.randn(N, D, dtype=torch.float64, generator=gen).requires_grad_()
    z2 = (3 * torch.randn(N, D, dtype=torch.float64, generator=gen)).requires_grad_()
    ours, ref = nt_xent_loss(z1, z2, temperature), _loop_nt_xent(z1, z2, temperature)
    assert ours.shape == () and ours.dtype == torch.float64
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)
    for a, b in zip(torch.autograd.grad(ours, (z1, z2)), torch.autograd.grad(ref, (z1, z2))):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_nt_xent_gradcheck_and_the_order_of_the_views(gen):
    z1 = torch.randn(3, 4, dtype=torch.float64, generator=gen).requires_grad_()
    z2 = torch.randn(3, 4, dtype=torch.float64, generator=gen).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: nt_xent_loss(a, b, 0.3), (z1, z2))
    # swapping the views, or permuting the examples in both, leaves the loss unchanged; scaling a row too
    perm = torch.tensor([2, 0, 1])
    torch.testing.assert_close(nt_xent_loss(z2, z1), nt_xent_loss(z1, z2))
    torch.testing.assert_close(nt_xent_loss(z1[perm], z2[perm]), nt_xent_loss(z1, z2))
    torch.testing.assert_close(nt_xent_loss(5 * z1, z2), nt_xent_loss(z1, z2))
    # permuting only one view breaks the pairs: a different loss
    assert not torch.allclose(nt_xent_loss(z1[perm], z2), nt_xent_loss(z1, z2))


@pytest.mark.parametrize("N, temperature", [(2, 0.5), (4, 0.1), (6, 1.0)])
def test_nt_xent_closed_forms(N, temperature):
    same = torch.ones(N, 3, dtype=torch.float64)  # every view equal: 2N - 1 equal candidates
    torch.testing.assert_close(nt_xent_loss(same, same, temperature), torch.tensor(math.log(2 * N - 1),
                                                                                 dtype=torch.float64))
    eye = torch.eye(N, dtype=torch.float64)  # the two views coincide, different examples are orthogonal
    expected = math.log(1 + (2 * N - 2) * math.exp(-1 / temperature))
    torch.testing.assert_close(nt_xent_loss(eye, 2 * eye, temperature), torch.tensor(expected, dtype=torch.float64))
    # float32 at a small temperature: the masked diagonal must not turn into inf or nan
    small = nt_xent_loss(eye.float(), eye.float(), 0.01)
    assert torch.isfinite(small) and 0 <= small.item() < 1e-6


def test_nt_xent_errors():
    z = torch.randn(4, 3)
    with pytest.raises(ValueError, match=r"same shape \(N, D\)"):
        nt_xent_loss(z, torch.randn(4, 2))
    with pytest.raises(ValueError, match=r"same shape \(N, D\)"):
        nt_xent_loss(z.view(4, 3, 1), z.view(4, 3, 1))
    with pytest.raises(ValueError, match=r"same shape \(N, D\)"):
        nt_xent_loss(torch.zeros(0, 3), torch.zeros(0, 3))
    for bad in (0.0, -1.0, float("inf"), float("nan"), True, "0.5"):
        with pytest.raises(ValueError, match=r"temperature must be a positive finite number"):
            nt_xent_loss(z, z, bad)
    with pytest.raises(ValueError, match=r"tensors"):
        nt_xent_loss(z.tolist(), z)
