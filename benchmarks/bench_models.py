"""Chapter 2's reference models against PyTorch's built-ins: forward + backward time as a ratio.

    .venv/bin/python benchmarks/bench_models.py                # CPU, and CUDA too when available
    .venv/bin/python benchmarks/bench_models.py --device cpu

Cases (issue 3): conv2d on a batch of 64 3×32×32 images with 16 3×3 filters (padding 1); an LSTM
over batch 32, 50 steps, input 32, hidden 64; attention with batch 8, 4 heads, 128 positions, head
dim 32. Targets on CPU: conv2d ≤ 3×, attention ≤ 2×, LSTM ≤ 5× (exit status 1 when one is missed).
On CUDA the ratios are printed without targets.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from bench_reference import _fwd_bwd, _time
from dlcourse.nn.attention import scaled_dot_product_attention
from dlcourse.nn.conv import conv2d
from dlcourse.nn.recurrent import LSTM

TARGETS = {"conv2d": 3.0, "lstm": 5.0, "attention": 2.0}


def cases(device: torch.device) -> list[tuple[str, Callable[[], None], Callable[[], None]]]:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 3, 32, 32, generator=g).to(device).requires_grad_()
    w = (0.1 * torch.randn(16, 3, 3, 3, generator=g)).to(device).requires_grad_()
    b = torch.zeros(16, device=device, requires_grad=True)
    conv = ("conv2d", _fwd_bwd(lambda x, w, b: conv2d(x, w, b, padding=1), x, w, b),
            _fwd_bwd(lambda x, w, b: F.conv2d(x, w, b, padding=1), x, w, b))

    ref_lstm = nn.LSTM(32, 64, batch_first=True).to(device)
    our_lstm = LSTM(32, 64, batch_first=True).to(device)
    our_lstm.load_state_dict(ref_lstm.state_dict())
    seq = torch.randn(32, 50, 32, generator=g).to(device).requires_grad_()
    lstm = ("lstm", _fwd_bwd(lambda s: our_lstm(s)[0], seq), _fwd_bwd(lambda s: ref_lstm(s)[0], seq))

    q, k, v = (torch.randn(8, 4, 128, 32, generator=g).to(device).requires_grad_() for _ in range(3))
    attn = ("attention", _fwd_bwd(scaled_dot_product_attention, q, k, v),
            _fwd_bwd(F.scaled_dot_product_attention, q, k, v))
    return [conv, lstm, attn]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", action="append", help="cpu, cuda (default: cpu and cuda if available)")
    args = parser.parse_args()
    devices = args.device or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    missed = 0
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    print(f"{'device':<7} {'case':<10} {'ours (ms)':>10} {'torch (ms)':>11} {'ratio':>7} {'target':>7}")
    for name in devices:
        device = torch.device(name)
        for case, ours, ref in cases(device):
            t_ours, t_ref = _time(ours, device), _time(ref, device)
            ratio = t_ours / t_ref
            ok = device.type != "cpu" or ratio <= TARGETS[case]
            missed += not ok
            target = f"<={TARGETS[case]:g}x" if device.type == "cpu" else "-"
            print(f"{device.type:<7} {case:<10} {1e3 * t_ours:>10.3f} {1e3 * t_ref:>11.3f} {ratio:>6.2f}x {target:>7}"
                  f"{'' if ok else '  MISSED'}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
