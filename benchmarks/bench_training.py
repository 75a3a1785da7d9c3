"""Chapter 3's reference code against the built-ins: time as a ratio (ours / built-in).

    .venv/bin/python benchmarks/bench_training.py               # CPU, and CUDA too when available
    .venv/bin/python benchmarks/bench_training.py --device cpu

Cases:
- optimizer: one ``step()`` of dlcourse.optim.SGD (momentum 0.9, Nesterov), Adagrad, RMSprop, Adam and AdamW against
  torch.optim's on the 1.1 M parameters of an MLP 1024-512-512-10 (gradients fixed). Target <= 1.5x on
  CPU, where torch runs the same per-tensor arithmetic; on CUDA torch's multi-tensor ("foreach")
  kernels launch far fewer kernels, so the ratio is printed without a target.
- metrics (CPU only): confusion_matrix, precision_recall_f1 (macro) and roc_curve on 100 000 labels
  against scikit-learn's. Target <= 1.5x.
- autograd (CPU only): loss and gradients of a 2-16-1 tanh network on 32 points with the scalar
  engine dlcourse.autograd.Value against the same float64 network in torch.autograd. Every scalar
  is a Python object there, so the target is loose, <= 100x: it catches an accidental quadratic
  blow-up (e.g. a topological sort without its visited set), not the Python overhead.
- gp (CPU only): GaussianProcess fit + predict with fixed hyperparameters, 300 observations, 2000
  test points, against sklearn's GaussianProcessRegressor(optimizer=None). Target <= 1.5x.
Exit status 1 when a CPU target is missed.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import sklearn.metrics as skm
import torch
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel

from bench_reference import Case, report
from dlcourse import metrics, optim
from dlcourse.autograd import Value
from dlcourse.nn import MLP
from dlcourse.tuning import GaussianProcess

TARGETS = {"optimizer": 1.5, "metrics": 1.5, "autograd": 100.0, "gp": 1.5}


def _optimizer_cases(device: torch.device) -> list[Case]:
    out = []
    for name, kwargs in [("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)), ("Adagrad", dict(lr=1e-2)),
                         ("RMSprop", dict(lr=1e-3)), ("Adam", dict(lr=1e-3)),
                         ("AdamW", dict(lr=1e-3, weight_decay=0.01))]:
        runs = []
        for cls in (getattr(optim, name), getattr(torch.optim, name)):
            model = MLP(1024, [512, 512], 10).to(device)
            for p in model.parameters():
                p.grad = torch.randn_like(p)
            runs.append(cls(model.parameters(), **kwargs).step)
        out.append((f"{name}.step", "optimizer", *runs))
    return out


def _quiet(fn):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    return run


def _cpu_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 10, (100_000,), generator=g)
    y_pred = torch.where(torch.rand(100_000, generator=g) < 0.7, y_true, torch.randint(0, 10, (100_000,), generator=g))
    yt, yp = y_true.numpy(), y_pred.numpy()
    binary = (y_true == 3).long()
    scores = torch.rand(100_000, generator=g, dtype=torch.float64) + 0.3 * binary
    yb, sb = binary.numpy(), scores.numpy()
    out: list[Case] = [
        ("confusion_matrix", "metrics", lambda: metrics.confusion_matrix(y_true, y_pred),
         lambda: skm.confusion_matrix(yt, yp)),
        ("prf1_macro", "metrics", lambda: metrics.precision_recall_f1(y_true, y_pred, average="macro"),
         _quiet(lambda: skm.precision_recall_fscore_support(yt, yp, average="macro", zero_division=0))),
        ("roc_curve", "metrics", lambda: metrics.roc_curve(binary, scores),
         lambda: skm.roc_curve(yb, sb, drop_intermediate=False)),
    ]
    out.append(("autograd_mlp", "autograd", *_autograd_pair(g)))
    X = torch.rand(300, 3, generator=g, dtype=torch.float64)
    y = torch.sin(4 * X[:, 0]) + X[:, 1]
    Xs = torch.rand(2000, 3, generator=g, dtype=torch.float64)
    Xn, yn, Xsn = X.numpy(), y.numpy(), Xs.numpy()
    kernel = ConstantKernel(1.0, "fixed") * RBF(0.3, "fixed")
    out.append(("gp_fit_predict", "gp", lambda: GaussianProcess(0.3, 1.0, 1e-4).fit(X, y).predict(Xs),
                lambda: GaussianProcessRegressor(kernel, alpha=1e-4, optimizer=None).fit(Xn, yn)
                .predict(Xsn, return_std=True)))
    return out


def _autograd_pair(g: torch.Generator):
    W1, b1 = torch.randn(16, 2, generator=g, dtype=torch.float64), torch.randn(16, generator=g, dtype=torch.float64)
    W2, b2 = torch.randn(16, generator=g, dtype=torch.float64), torch.randn(1, generator=g, dtype=torch.float64)
    X, y = torch.randn(32, 2, generator=g, dtype=torch.float64), torch.randn(32, generator=g, dtype=torch.float64)
    rows, xs, ys = W1.tolist(), X.tolist(), y.tolist()

    def ours():
        w1 = [[Value(w) for w in row] for row in rows]
        c1, w2, c2 = [Value(b) for b in b1.tolist()], [Value(w) for w in W2.tolist()], Value(b2.item())
        loss = Value(0.0)
        for xi, yi in zip(xs, ys):
            h = [(r[0] * xi[0] + r[1] * xi[1] + c).tanh() for r, c in zip(w1, c1)]
            out = sum((w * hj for w, hj in zip(w2, h)), c2)
            loss = loss + (out - yi) ** 2
        (loss / len(ys)).backward()

    params = [p.clone().requires_grad_(True) for p in (W1, b1, W2, b2)]

    def builtin():
        for p in params:
            p.grad = None
        w1, c1, w2, c2 = params
        (((torch.tanh(X @ w1.T + c1) @ w2 + c2) - y) ** 2).mean().backward()

    return ours, builtin


def cases(device: torch.device) -> list[Case]:
    return _optimizer_cases(device) + (_cpu_cases() if device.type == "cpu" else [])


if __name__ == "__main__":
    sys.exit(report(__doc__.splitlines()[0], cases, TARGETS))
