"""dlcourse.optim against torch.optim: 100-step trajectories in float64, state dicts, schedulers, errors."""

import pytest
import torch

from dlcourse import optim

CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.3)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, eps=1e-3)),
    ("Adagrad", dict(lr=0.05, initial_accumulator_value=0.5)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.003, alpha=0.9, eps=1e-3, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.003, momentum=0.9)),
    ("RMSprop", dict(lr=0.003, alpha=0.95, centered=True, momentum=0.5, weight_decay=0.01)),
]


def _problem(seed: int, device="cpu"):
    """A random least-squares problem with a nonlinearity: parameters W (5, 3), b (3,)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(32, 5, generator=g, dtype=torch.float64).to(device)
    Y = torch.randn(32, 3, generator=g, dtype=torch.float64).to(device)
    W = torch.randn(5, 3, generator=g, dtype=torch.float64).to(device)
    b = torch.randn(3, generator=g, dtype=torch.float64).to(device)

    def loss(params):
        w, c = params
        return ((torch.tanh(X @ w + c) - Y) ** 2).mean()

    return [W, b], loss


def _trajectory(make_opt, seed=0, steps=100, device="cpu", sparse_grad=False):
    init, loss_fn = _problem(seed, device)
    params = [p.clone().requires_grad_(True) for p in init]
    opt = make_opt(params)
    path = []
    for step in range(steps):
        opt.zero_grad()
        loss_fn(params).backward()
        if sparse_grad and step % 3 == 0:
            params[1].grad = None          # a parameter without a gradient is skipped this step
        opt.step()
        path.append(torch.cat([p.detach().flatten() for p in params]))
    return torch.stack(path), opt


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
@pytest.mark.parametrize("sparse_grad", [False, True])
def test_trajectory_equals_torch(name, kwargs, sparse_grad):
    ours, _ = _trajectory(lambda p: getattr(optim, name)(p, **kwargs), sparse_grad=sparse_grad)
    ref, _ = _trajectory(lambda p: getattr(torch.optim, name)(p, **kwargs, foreach=False), sparse_grad=sparse_grad)
    assert (ours - ref).abs().max().item() < 1e-12
    assert (ours[-1] - ours[0]).abs().max() > 1e-3  # the parameters did move


@pytest.mark.parametrize("name,kwargs", [CASES[2], CASES[7], CASES[9], CASES[12], CASES[17]])
def test_state_dicts_load_both_ways(name, kwargs):
    """Run 10 steps with one implementation, continue 10 with the other: same as 20 steps of torch."""
    init, loss_fn = _problem(3)

    def run(first, second):
        params = [p.clone().requires_grad_(True) for p in init]
        opt = first(params, **kwargs)
        for _ in range(10):
            opt.zero_grad()
            loss_fn(params).backward()
            opt.step()
        opt2 = second(params, **kwargs)
        opt2.load_state_dict(opt.state_dict())
        for _ in range(10):
            opt2.zero_grad()
            loss_fn(params).backward()
            opt2.step()
        return torch.cat([p.detach().flatten() for p in params])

    ours_cls, torch_cls = getattr(optim, name), getattr(torch.optim, name)
    ref = run(torch_cls, torch_cls)
    assert torch.allclose(run(ours_cls, torch_cls), ref, atol=1e-12, rtol=0)
    assert torch.allclose(run(torch_cls, ours_cls), ref, atol=1e-12, rtol=0)


def test_works_with_lr_schedulers_and_param_groups():
    init, loss_fn = _problem(1)

    def run(cls):
        params = [p.clone().requires_grad_(True) for p in init]
        opt = cls([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.1}], lr=0.05, momentum=0.9)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
        for _ in range(30):
            opt.zero_grad()
            loss_fn(params).backward()
            opt.step()
            sched.step()
        return torch.cat([p.detach().flatten() for p in params]), [g["lr"] for g in opt.param_groups]

    ours, lrs = run(optim.SGD)
    ref, ref_lrs = run(torch.optim.SGD)
    assert torch.allclose(ours, ref, atol=1e-12, rtol=0)
    assert lrs == pytest.approx(ref_lrs)


def test_closure_is_evaluated_and_returned():
    w = torch.tensor([2.0, -1.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert calls == [1] and loss.item() == pytest.approx(5.0)
    assert torch.allclose(w.detach(), torch.tensor([1.9, -0.9]))  # first Adam step moves each coordinate by lr


def test_adagrad_steps_die_out_rmsprop_steps_do_not():
    """Under a constant gradient AdaGrad's step is lr / sqrt(t); RMSProp's settles at lr (after starting at
    lr / sqrt(1 - alpha))."""
    a = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    r = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    ada, rms = optim.Adagrad([a], lr=0.1, eps=0.0), optim.RMSprop([r], lr=0.1, alpha=0.9, eps=0.0)
    steps_a, steps_r = [], []
    for _ in range(400):
        for p, opt, steps in [(a, ada, steps_a), (r, rms, steps_r)]:
            before = p.item()
            p.grad = torch.full_like(p, 3.0)
            opt.step()
            steps.append(before - p.item())
    t = torch.arange(1, 401, dtype=torch.float64)
    assert torch.allclose(torch.tensor(steps_a, dtype=torch.float64), 0.1 / t.sqrt(), rtol=1e-12, atol=0)
    assert steps_r[0] == pytest.approx(0.1 / (1 - 0.9) ** 0.5) and steps_r[-1] == pytest.approx(0.1)


def test_adamw_decay_differs_from_adam_l2():
    """Same hyperparameters, different rule: decoupled decay is not L2 inside Adam."""
    a, _ = _trajectory(lambda p: optim.Adam(p, lr=0.01, weight_decay=0.5), steps=20)
    b, _ = _trajectory(lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.5), steps=20)
    assert (a - b).abs().max() > 1e-4


@pytest.mark.parametrize("make,message", [
    (lambda p: optim.SGD(p, lr=-1.0), r"learning rate must be >= 0, got -1.0"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), r"momentum must be >= 0, got -0.5"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), r"Nesterov momentum needs momentum > 0 and dampening 0"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, dampening=0.1),
     r"Nesterov momentum needs momentum > 0 and dampening 0"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), r"weight_decay must be >= 0, got -1"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.9)), r"betas must be in \[0, 1\), got \(1.0, 0.9\)"),
    (lambda p: optim.Adam(p, eps=-1.0), r"eps must be >= 0, got -1.0"),
    (lambda p: optim.AdamW(p, lr=float("nan")), r"learning rate must be >= 0, got nan"),
    (lambda p: optim.Adagrad(p, lr_decay=-0.1), r"lr_decay and initial_accumulator_value must be >= 0, got -0.1"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1.0),
     r"lr_decay and initial_accumulator_value must be >= 0, got 0.0 and -1.0"),
    (lambda p: optim.Adagrad(p, eps=-1e-10), r"eps must be >= 0, got -1e-10"),
    (lambda p: optim.RMSprop(p, alpha=1.0), r"alpha \(the smoothing constant\) must be in \[0, 1\), got 1.0"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), r"alpha \(the smoothing constant\) must be in \[0, 1\), got -0.1"),
    (lambda p: optim.RMSprop(p, momentum=-0.9), r"momentum must be >= 0, got -0.9"),
    (lambda p: optim.RMSprop(p, weight_decay=-1e-2), r"weight_decay must be >= 0, got -0.01"),
])
def test_bad_hyperparameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make([torch.zeros(2, requires_grad=True)])
