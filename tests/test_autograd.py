"""dlcourse.autograd.Value against torch.autograd: values and gradients of random expressions and a small MLP."""

import math
import random

import pytest
import torch

from dlcourse.autograd import Value

UNARY = [lambda u: u.tanh(), lambda u: u.relu(), lambda u: (0.5 * u).exp(), lambda u: -u, lambda u: u**2,
         lambda u: u**3, lambda u: (1 + u**2) ** -0.5]
BINARY = [lambda u, v: u + v, lambda u, v: u - v, lambda u, v: u * v, lambda u, v: u / (1 + v**2),
          lambda u, v: 2.0 - 0.5 * u + v, lambda u, v: 1.0 / (2 + u.tanh()) * v, lambda u, v: 3 * u - v / 2]


def _program(rng: random.Random, n_inputs: int = 3, n_ops: int = 12):
    """A random straight-line program: each step applies an op to earlier results (so nodes are shared)."""
    steps = []
    for i in range(n_ops):
        k = n_inputs + i
        if rng.random() < 0.5:
            steps.append((rng.choice(UNARY), (rng.randrange(k),)))
        else:
            steps.append((rng.choice(BINARY), (rng.randrange(k), rng.randrange(k))))
    return steps


def _run(program, inputs):
    vals = list(inputs)
    for op, args in program:
        vals.append(op(*(vals[a] for a in args)))
    return vals[-1]


@pytest.mark.parametrize("seed", range(40))
def test_random_expressions_match_torch(seed):
    rng = random.Random(seed)
    program = _program(rng)
    xs = [rng.uniform(-1.5, 1.5) for _ in range(3)]
    values = [Value(x) for x in xs]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out, ref = _run(program, values), _run(program, tensors)
    if not math.isfinite(ref.item()) or abs(ref.item()) > 1e6:
        pytest.skip("expression overflows")
    out.backward()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-10, abs=1e-12)
    for v, t in zip(values, tensors):
        expected = 0.0 if t.grad is None else t.grad.item()
        assert v.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_shared_nodes_and_diamonds_accumulate():
    a = Value(3.0)
    (a * a + a).backward()              # d/da (a^2 + a) = 2a + 1
    assert a.grad == 7.0
    x = Value(0.5)
    y = x.tanh()
    z = y * y + y.exp()                 # diamond: y feeds two branches
    z.backward()
    t = math.tanh(0.5)
    assert x.grad == pytest.approx((2 * t + math.exp(t)) * (1 - t * t))


def test_deep_graph_has_no_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**20_000)
    assert len(y.topological_order()) == 2 * 20_000 + 1   # each step adds the product and its constant


def test_relu_at_zero_and_reflected_operators():
    z = Value(0.0)
    z.relu().backward()
    assert z.grad == 0.0                # like torch.relu
    a = Value(2.0)
    out = 1 - a + 6 / a                 # __rsub__, __rtruediv__
    out.backward()
    assert out.data == 2.0 and a.grad == pytest.approx(-1 - 6 / 4)
    with pytest.raises(TypeError, match="int or float"):
        a ** Value(2.0)


def test_small_mlp_gradients_match_torch():
    """A 2-8-1 tanh network on 10 points: every parameter's gradient equals torch's in float64."""
    g = torch.Generator().manual_seed(0)
    W1, b1 = torch.randn(8, 2, generator=g, dtype=torch.float64), torch.randn(8, generator=g, dtype=torch.float64)
    W2, b2 = torch.randn(1, 8, generator=g, dtype=torch.float64), torch.randn(1, generator=g, dtype=torch.float64)
    X, y = torch.randn(10, 2, generator=g, dtype=torch.float64), torch.randn(10, generator=g, dtype=torch.float64)
    tparams = [p.clone().requires_grad_(True) for p in (W1, b1, W2, b2)]
    tW1, tb1, tW2, tb2 = tparams
    (((torch.tanh(X @ tW1.T + tb1) @ tW2.T + tb2).squeeze(1) - y) ** 2).mean().backward()

    vW1 = [[Value(w) for w in row] for row in W1.tolist()]
    vb1 = [Value(b) for b in b1.tolist()]
    vW2 = [Value(w) for w in W2[0].tolist()]
    vb2 = Value(b2.item())
    loss = Value(0.0)
    for xi, yi in zip(X.tolist(), y.tolist()):
        h = [(sum((w * x for w, x in zip(row, xi)), Value(0.0)) + b).tanh() for row, b in zip(vW1, vb1)]
        out = sum((w * hj for w, hj in zip(vW2, h)), Value(0.0)) + vb2
        loss = loss + (out - yi) ** 2
    loss = loss / len(y)
    loss.backward()
    ours = torch.tensor([[w.grad for w in row] for row in vW1], dtype=torch.float64)
    torch.testing.assert_close(ours, tW1.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(torch.tensor([b.grad for b in vb1], dtype=torch.float64), tb1.grad)
    torch.testing.assert_close(torch.tensor([[w.grad for w in vW2]], dtype=torch.float64), tW2.grad)
    assert vb2.grad == pytest.approx(tb2.grad.item())
