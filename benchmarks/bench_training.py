"""Chapter 3's reference code against the built-ins: time as a ratio (ours / built-in).

    .venv/bin/python benchmarks/bench_training.py               # CPU, and CUDA too when available
    .venv/bin/python benchmarks/bench_training.py --device cpu

Cases:
- optimizer: one ``step()`` of dlcourse.optim.SGD (momentum 0.9, Nesterov), Adam and AdamW against
  torch.optim's on the 1.1 M parameters of an MLP 1024-512-512-10 (gradients fixed). Target <= 1.5x on
  CPU, where torch runs the same per-tensor arithmetic; on CUDA torch's multi-tensor ("foreach")
  kernels launch far fewer kernels, so the ratio is printed without a target.
- metrics (CPU only): confusion_matrix, precision_recall_f1 (macro) and roc_curve on 100 000 labels
  against scikit-learn's. Target <= 1.5x.
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
from dlcourse.nn import MLP
from dlcourse.tuning import GaussianProcess

TARGETS = {"optimizer": 1.5, "metrics": 1.5, "gp": 1.5}


def _optimizer_cases(device: torch.device) -> list[Case]:
    out = []
    for name, kwargs in [("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)), ("Adam", dict(lr=1e-3)),
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
    X = torch.rand(300, 3, generator=g, dtype=torch.float64)
    y = torch.sin(4 * X[:, 0]) + X[:, 1]
    Xs = torch.rand(2000, 3, generator=g, dtype=torch.float64)
    Xn, yn, Xsn = X.numpy(), y.numpy(), Xs.numpy()
    kernel = ConstantKernel(1.0, "fixed") * RBF(0.3, "fixed")
    out.append(("gp_fit_predict", "gp", lambda: GaussianProcess(0.3, 1.0, 1e-4).fit(X, y).predict(Xs),
                lambda: GaussianProcessRegressor(kernel, alpha=1e-4, optimizer=None).fit(Xn, yn)
                .predict(Xsn, return_std=True)))
    return out


def cases(device: torch.device) -> list[Case]:
    return _optimizer_cases(device) + (_cpu_cases() if device.type == "cpu" else [])


if __name__ == "__main__":
    sys.exit(report(__doc__.splitlines()[0], cases, TARGETS))
