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
def test_optimizers_on_cuda_match_torch_on_cuda(name, kwargs):
    """50 steps of ours and of torch.optim's optimizer of the same name, both on CUDA, from the same start."""
    from dlcourse import optim

    g = torch.Generator().manual_seed(0)
    X, w0 = torch.randn(32, 5, generator=g, dtype=torch.float64), torch.randn(5, 2, generator=g, dtype=torch.float64)
    X = X.cuda()
    paths = []
    for make in (getattr(optim, name), getattr(torch.optim, name)):
        w = w0.clone().cuda().requires_grad_(True)
        opt = make([w], **kwargs)
        for _ in range(50):
            opt.zero_grad()
            torch.tanh(X @ w).pow(2).mean().backward()   # (32, 5) @ (5, 2)
            opt.step()
        assert w.device.type == "cuda"
        paths.append(w.detach())
    assert not torch.equal(paths[1], w0.cuda()), "the reference moved"
    torch.testing.assert_close(paths[0], paths[1])


def test_metrics_on_cuda_match_their_definitions_on_cuda():
    from dlcourse import metrics

    g = torch.Generator().manual_seed(0)
    y, p = torch.randint(0, 3, (100,), generator=g).cuda(), torch.randint(0, 3, (100,), generator=g).cuda()
    cm = metrics.confusion_matrix(y, p)
    assert cm.device.type == "cuda"
    torch.testing.assert_close(cm, torch.bincount(3 * y + p, minlength=9).view(3, 3), check_dtype=False)
    precision, recall, f1 = metrics.precision_recall_f1(y, p, average="macro")
    tp = cm.diagonal().double()
    prec, rec = tp / cm.sum(0), tp / cm.sum(1)                                    # columns: predicted, rows: true
    assert precision == pytest.approx(prec.mean().item()) and recall == pytest.approx(rec.mean().item())
    assert f1 == pytest.approx((2 * prec * rec / (prec + rec)).mean().item())


def test_gp_on_cuda_matches_sklearn():
    """The fitted GP on CUDA: its hyperparameters, likelihood and posterior against scikit-learn's regressor."""
    import numpy as np
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel

    from dlcourse.tuning import GaussianProcess, rbf_kernel

    g = torch.Generator().manual_seed(0)
    X, t = torch.rand(20, 2, generator=g, dtype=torch.float64), torch.randn(20, generator=g, dtype=torch.float64)
    Xs = torch.rand(5, 2, generator=g, dtype=torch.float64)
    K = rbf_kernel(X.cuda(), Xs.cuda(), torch.tensor([0.3, 0.6], dtype=torch.float64, device="cuda"), 1.5)
    assert K.device.type == "cuda"
    ref = (ConstantKernel(1.5) * RBF([0.3, 0.6]))(X.numpy(), Xs.numpy())
    torch.testing.assert_close(K.cpu(), torch.from_numpy(ref))
    gp = GaussianProcess().fit(X.cuda(), t.cuda(), optimize=True)
    mean, std = gp.predict(Xs.cuda())
    assert mean.device.type == "cuda" and std.device.type == "cuda"
    kernel = ConstantKernel(gp.signal_var.item(), "fixed") * RBF(gp.lengthscale.numpy(), "fixed")
    sk = GaussianProcessRegressor(kernel, alpha=gp.noise_var.item(), optimizer=None).fit(X.numpy(), t.numpy())
    ref_mean, ref_std = sk.predict(Xs.numpy(), return_std=True)
    np.testing.assert_allclose(mean.cpu().numpy(), ref_mean, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(std.cpu().numpy(), ref_std, rtol=1e-5, atol=1e-6)
    assert gp.log_marginal_likelihood() == pytest.approx(sk.log_marginal_likelihood_value_, rel=1e-8)
    cpu = GaussianProcess().fit(X, t, optimize=True)                              # the same fit on either device
    torch.testing.assert_close(gp.lengthscale, cpu.lengthscale)


def test_vision_on_cuda_matches_the_cpu():
    from dlcourse.data import shape_scenes
    from dlcourse.vision import GridDetector, average_precision, box_iou, decode, nms

    g = torch.Generator().manual_seed(0)
    corner = torch.rand(50, 2, generator=g) * 30
    boxes = torch.cat([corner, corner + 2 + torch.rand(50, 2, generator=g) * 10], 1)
    scores = torch.rand(50, generator=g)
    torch.testing.assert_close(box_iou(boxes.cuda(), boxes.cuda()).cpu(), box_iou(boxes, boxes))
    assert nms(boxes.cuda(), scores.cuda(), 0.5).cpu().tolist() == nms(boxes, scores, 0.5).tolist()
    images, targets, _, _ = shape_scenes(8, seed=1)
    model = GridDetector(width=8).eval()
    with torch.no_grad():
        on_cpu = decode(model(images), 32)
        on_gpu = decode(model.cuda()(images.cuda()), 32)
    assert on_gpu[0]["boxes"].device.type == "cuda"
    gpu_targets = [{k: v.cuda() for k, v in t.items()} for t in targets]
    assert average_precision(on_gpu, gpu_targets, 3).map == pytest.approx(average_precision(on_cpu, targets, 3).map,
                                                                          abs=1e-6)
