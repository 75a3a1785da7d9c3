r"""What a model costs: parameters, floating-point operations, bytes and measured latency.

Three numbers describe the cost of a network, and they do not move together:

- **parameters** :math:`P`, the numbers a model stores (its size on disk is :math:`P` times the bytes per number);
- **FLOPs**, the floating-point operations of one forward pass, counting a multiply-add as 2 (PyTorch's
  ``torch.utils.flop_counter`` counts them this way). For a layer that maps :math:`C_\text{in}` channels to
  :math:`C_\text{out}` with a :math:`k_h \times k_w` kernel in ``groups`` groups, over an
  :math:`H_\text{out} \times W_\text{out}` output and a batch of :math:`B`,

  .. math::

      \text{FLOPs}_\text{conv} = 2\, B\, C_\text{out}\, H_\text{out} W_\text{out}\, \frac{C_\text{in}}{\text{groups}}\,
      k_h k_w, \qquad \text{FLOPs}_\text{linear} = 2\, B\, D_\text{in} D_\text{out}

  (biases, activations and pooling are left out: they are a few operations per output, not per weight);
- **latency**, the wall-clock time of one forward pass on a given machine, which also depends on memory traffic,
  on how well the kernels use the hardware and on the batch size: a model with fewer FLOPs is not always faster.

``count_flops`` runs the model once under ``FlopCounterMode`` (so it sees every matrix product and convolution,
however the model calls them); ``conv2d_flops`` and ``linear_flops`` are the formulas above, which the tests hold
equal to it.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """The number of parameters (each shared tensor counted once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def conv2d_flops(in_channels: int, out_channels: int, kernel_size: int | tuple[int, int], out_hw: tuple[int, int],
                 groups: int = 1, batch: int = 1) -> int:
    """FLOPs of a 2-D convolution: 2 B C_out H_out W_out (C_in / groups) k_h k_w (no bias)."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}")
    return 2 * batch * out_channels * out_hw[0] * out_hw[1] * (in_channels // groups) * kh * kw


def linear_flops(in_features: int, out_features: int, batch: int = 1) -> int:
    """FLOPs of a linear layer: 2 B D_in D_out (no bias)."""
    return 2 * batch * in_features * out_features


def count_flops(model: Callable[..., Tensor], *inputs: Tensor) -> int:
    """FLOPs of one forward pass of ``model(*inputs)``, as torch's ``FlopCounterMode`` counts them."""
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(*inputs)
    return int(counter.get_total_flops())


def size_in_bytes(model: nn.Module) -> int:
    """Bytes of the model's saved ``state_dict`` (what ``torch.save`` writes; quantized weights count as stored)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def _synchronize(inputs: tuple[Tensor, ...]) -> None:
    for x in inputs:
        if isinstance(x, Tensor) and x.device.type == "cuda":
            torch.cuda.synchronize(x.device)
            return


def measure_latency(model: Callable[..., Tensor], *inputs: Tensor, repeats: int = 20, warmup: int = 3) -> float:
    """The median wall-clock time in seconds of one forward pass (under ``torch.no_grad``).

    ``warmup`` passes run first and are not timed (the first calls allocate memory and choose kernels). On a GPU the
    device is synchronised before each clock reading, since CUDA calls return before the work is done. The median of
    ``repeats`` passes is robust to the odd slow pass; it still depends on the machine and on what else runs on it.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"repeats must be at least 1 and warmup at least 0, got {repeats} and {warmup}")
    times = []
    with torch.no_grad():
        for i in range(warmup + repeats):
            _synchronize(inputs)
            start = time.perf_counter()
            model(*inputs)
            _synchronize(inputs)
            if i >= warmup:
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def training_step_flops(model: nn.Module, loss_fn: Callable[[Tensor, Tensor], Tensor], x: Tensor, y: Tensor) -> int:
    r"""FLOPs of one training step, the forward pass, the loss and the backward pass, as ``FlopCounterMode`` counts.

    The backward pass of a linear or convolutional layer computes two products as large as its forward one, the
    gradient of the weights and the gradient of the layer's input, so a step costs about 3 forward passes; the
    first layer skips its input's gradient (nothing upstream needs it), so a step costs somewhat less. For a
    network of linear layers with :math:`N` weights, over a batch of :math:`B`, the rule of thumb
    :math:`6 N B` counts all three products of every layer. The gradients are left in ``.grad`` (zero them after).
    """
    counter = FlopCounterMode(display=False)
    with counter:
        loss_fn(model(x), y).backward()
    return int(counter.get_total_flops())


def energy_from_flops(flops: float, peak_flops_per_second: float, watts: float, utilization: float) -> float:
    r"""Joules to compute ``flops`` on a device of the given peak throughput and power, at a fraction of its peak.

    .. math::  E = \frac{\text{FLOPs}}{u \cdot \text{peak}} \cdot P

    (time at the achieved throughput, times the device's power). It leaves out the rest of the server, cooling (a
    data centre's power usage effectiveness, PUE) and idle time, so it is a lower bound for a real run.
    """
    if flops < 0 or peak_flops_per_second <= 0 or watts <= 0 or not 0 < utilization <= 1:
        raise ValueError("need flops >= 0, a positive peak throughput and power, and a utilization in (0, 1]")
    return flops / (utilization * peak_flops_per_second) * watts


def sparsity(model: nn.Module, weights_only: bool = True) -> float:
    r"""The share of zeros among the model's parameters, :math:`1 - \|\theta\|_0 / P`.

    With ``weights_only`` (the default) only tensors of two or more dimensions count (the weights of linear and
    convolutional layers, which pruning removes; biases and normalisation scales are left out). A layer pruned with
    ``torch.nn.utils.prune`` holds its original values in ``weight_orig`` and a ``weight_mask``; its effective
    ``weight`` is their product, an attribute rather than a parameter, and is what is counted here.
    """
    zeros = total = 0
    for module in model.modules():
        for name, param in module.named_parameters(recurse=False):
            if name.endswith("_orig"):
                name = name[: -len("_orig")]
                param = getattr(module, name)  # weight_orig * weight_mask, what the layer uses
            if weights_only and param.dim() < 2:
                continue
            zeros += int((param == 0).sum())
            total += param.numel()
    if total == 0:
        raise ValueError("the model has no parameters to count (weights_only=True counts tensors of 2+ dimensions)")
    return zeros / total
