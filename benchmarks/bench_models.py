"""Chapter 2's reference models against PyTorch's built-ins: forward + backward time as a ratio.

    .venv/bin/python benchmarks/bench_models.py                # CPU, and CUDA too when available
    .venv/bin/python benchmarks/bench_models.py --device cpu

Cases (issue 3): conv2d on a batch of 64 3×32×32 images with 16 3×3 filters (padding 1); an LSTM
over batch 32, 50 steps, input 32, hidden 64; attention with batch 8, 4 heads, 128 positions, head
dim 32. Targets on CPU: conv2d ≤ 3×, attention ≤ 2×, LSTM ≤ 5× (exit status 1 when one is missed).
On CUDA the ratios are printed without targets.
"""

from __future__ import annotations

import sys

import torch
import torch.nn.functional as F
from torch import nn

from bench_reference import Case, _fwd_bwd, report
from dlcourse.nn.attention import scaled_dot_product_attention
from dlcourse.nn.conv import conv2d
from dlcourse.nn.recurrent import LSTM

TARGETS = {"conv2d": 3.0, "lstm": 5.0, "attention": 2.0}


def cases(device: torch.device) -> list[Case]:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 3, 32, 32, generator=g).to(device).requires_grad_()
    w = (0.1 * torch.randn(16, 3, 3, 3, generator=g)).to(device).requires_grad_()
    b = torch.zeros(16, device=device, requires_grad=True)
    conv = ("conv2d", "conv2d", _fwd_bwd(lambda x, w, b: conv2d(x, w, b, padding=1), x, w, b),
            _fwd_bwd(lambda x, w, b: F.conv2d(x, w, b, padding=1), x, w, b))

    ref_lstm = nn.LSTM(32, 64, batch_first=True).to(device)
    our_lstm = LSTM(32, 64, batch_first=True).to(device)
    our_lstm.load_state_dict(ref_lstm.state_dict())
    seq = torch.randn(32, 50, 32, generator=g).to(device).requires_grad_()
    lstm = ("lstm", "lstm", _fwd_bwd(lambda s: our_lstm(s)[0], seq), _fwd_bwd(lambda s: ref_lstm(s)[0], seq))

    q, k, v = (torch.randn(8, 4, 128, 32, generator=g).to(device).requires_grad_() for _ in range(3))
    attn = ("attention", "attention", _fwd_bwd(scaled_dot_product_attention, q, k, v),
            _fwd_bwd(F.scaled_dot_product_attention, q, k, v))
    return [conv, lstm, attn]


if __name__ == "__main__":
    sys.exit(report(__doc__.splitlines()[0], cases, TARGETS))
