"""The reference implementations run on CUDA and agree with the CPU and the built-ins there (skipped without CUDA)."""

import pytest
import torch
import torch.nn.functional as F

import dlcourse.nn as dnn
from dlcourse.data import load_digits
from dlcourse.train import evaluate, fit

pytestmark = pytest.mark.gpu


def test_functions_on_cuda_match_builtins():
    g = torch.Generator().manual_seed(0)
    x = (50 * torch.randn(64, 10, generator=g, dtype=torch.float64)).cuda().requires_grad_()
    t = torch.randint(0, 10, (64,), generator=g).cuda()
    for ours, ref in [(dnn.relu, torch.relu), (dnn.sigmoid, torch.sigmoid), (dnn.tanh, torch.tanh),
                      (lambda z: dnn.softmax(z, 0), lambda z: torch.softmax(z, 0)),
                      (lambda z: dnn.cross_entropy(z, t), lambda z: F.cross_entropy(z, t)),
                      (lambda z: dnn.binary_cross_entropy_with_logits(z, torch.sigmoid(z.detach())),
                       lambda z: F.binary_cross_entropy_with_logits(z, torch.sigmoid(z.detach())))]:
        a = ours(x)
        (ga,) = torch.autograd.grad(a.sum(), x)
        b = ref(x)
        (gb,) = torch.autograd.grad(b.sum(), x)
        assert a.device.type == "cuda"
        torch.testing.assert_close(a, b)
        torch.testing.assert_close(ga, gb)


def test_fit_on_cuda():
    torch.manual_seed(0)
    split = load_digits(device="cuda")
    train, val, test = split.loaders(batch_size=64)
    model = dnn.MLP(64, [128], 10).cuda()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    fit(model, train, loss_fn=dnn.cross_entropy, optimizer=opt, epochs=15, val_loader=val, progress=False)
    assert evaluate(model, test)["accuracy"] >= 0.95
    assert dnn.l2_penalty(model).device.type == "cuda"


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
                                         ("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01, weight_decay=0.1))])
def test_optimizers_on_cuda_match_cpu(name, kwargs):
    from dlcourse import optim

    g = torch.Generator().manual_seed(0)
    X, w0 = torch.randn(32, 5, generator=g, dtype=torch.float64), torch.randn(5, 2, generator=g, dtype=torch.float64)
    paths = []
    for device in ("cpu", "cuda"):
        w = w0.clone().to(device).requires_grad_(True)
        opt = getattr(optim, name)([w], **kwargs)
        for _ in range(50):
            opt.zero_grad()
            torch.tanh(X.to(device) @ w).pow(2).mean().backward()
            opt.step()
        assert w.device.type == device
        paths.append(w.detach().cpu())
    torch.testing.assert_close(paths[0], paths[1])


def test_metrics_and_gp_accept_cuda_tensors():
    from dlcourse import metrics
    from dlcourse.tuning import GaussianProcess

    g = torch.Generator().manual_seed(0)
    y, p = torch.randint(0, 3, (100,), generator=g), torch.randint(0, 3, (100,), generator=g)
    assert torch.equal(metrics.confusion_matrix(y.cuda(), p.cuda()), metrics.confusion_matrix(y, p))
    assert metrics.precision_recall_f1(y.cuda(), p.cuda(), average="macro") == metrics.precision_recall_f1(y, p, average="macro")
    X, t = torch.rand(20, 2, generator=g, dtype=torch.float64), torch.randn(20, generator=g, dtype=torch.float64)
    Xs = torch.rand(5, 2, generator=g, dtype=torch.float64)
    cpu = GaussianProcess().fit(X, t, optimize=True)
    gpu = GaussianProcess().fit(X.cuda(), t.cuda(), optimize=True)
    mean, std = gpu.predict(Xs.cuda())
    assert mean.device.type == "cuda"
    torch.testing.assert_close(mean.cpu(), cpu.predict(Xs)[0])
    torch.testing.assert_close(std.cpu(), cpu.predict(Xs)[1])
