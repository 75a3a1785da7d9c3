r"""Data parallelism with DistributedDataParallel (DDP): the same training, split over processes, gives the same model.

Each of the ``world_size`` processes (ranks) holds a full copy of the model and takes its own slice of every
global batch of B examples, B / world_size each. After its backward pass DDP averages the gradients over the
ranks with an all-reduce (Li et al., 2020, "PyTorch Distributed: Experiences on Accelerating Data Parallel
Training"), so that every rank applies the same update

.. math::

    \theta \leftarrow \theta - \eta \cdot \frac{1}{R} \sum_{r=1}^{R} \nabla_\theta \mathcal{L}_r
    = \theta - \eta\, \nabla_\theta \mathcal{L},

where :math:`\mathcal{L}_r` is the mean loss over rank r's slice; with equal slices the mean of the R means is
the mean loss :math:`\mathcal{L}` over the global batch, so R processes compute what one process computes on the
whole batch. Here the ranks are CPU processes started by ``torch.multiprocessing.spawn`` that talk through the
``gloo`` backend; on several GPUs the backend would be ``nccl`` and each rank would own one device.

This lives in a module, not in a notebook, because ``spawn`` starts fresh interpreters that must import the
function each rank runs.

Shapes:
    batches (S, B, T + 1) long: S steps of B token sequences, each read as T inputs and T next-token targets;
    B must be a multiple of ``world_size``.

Tests: ``tests/test_distributed.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import Tensor

from dlcourse.nn.gpt import GPT, GPTConfig, lm_loss


def gloo_unavailable_reason() -> str | None:
    """None when this PyTorch can run the gloo backend, else why not (to skip a demonstration with a reason)."""
    if not dist.is_available():
        return "this PyTorch build has no torch.distributed"
    if not dist.is_gloo_available():
        return "this PyTorch build has no gloo backend"
    return None


def _sgd_steps(model: torch.nn.Module, batches: Tensor, lr: float) -> list[float]:
    """Plain SGD on the next-token loss of each batch (S, B', T + 1); returns the S losses before each step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for batch in batches:  # (B', T + 1)
        loss = lm_loss(model, batch)
        optimizer.zero_grad()
        loss.backward()  # under DDP: the gradients are averaged over the ranks here
        optimizer.step()
        losses.append(loss.item())
    return losses


def train_single(config: GPTConfig, state: dict[str, Tensor], batches: Tensor, lr: float,
                 dtype: torch.dtype = torch.float64) -> tuple[dict[str, Tensor], list[float]]:
    """One process, the whole global batch at each step: the reference for :func:`train_ddp`."""
    model = GPT(config).to(dtype)
    model.load_state_dict(state)
    losses = _sgd_steps(model, batches, lr)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}, losses


def _worker(rank: int, world_size: int, folder: str, config: GPTConfig, lr: float, dtype: torch.dtype) -> None:
    """What each rank runs: join the group, wrap the model in DDP, train on its slice; rank 0 saves the result."""
    torch.set_num_threads(1)  # the ranks share the machine's cores
    dist.init_process_group("gloo", init_method=f"file://{folder}/store", rank=rank, world_size=world_size,
                            timeout=timedelta(seconds=120))
    try:
        start = torch.load(Path(folder) / "start.pt")
        model = GPT(config).to(dtype)
        model.load_state_dict(start["state"])
        ddp = torch.nn.parallel.DistributedDataParallel(model)  # broadcasts rank 0's weights, then syncs gradients
        batches = start["batches"]  # (S, B, T + 1)
        per_rank = batches.shape[1] // world_size
        local = batches[:, rank * per_rank:(rank + 1) * per_rank]  # (S, B / world_size, T + 1): this rank's half
        losses = _sgd_steps(ddp, local, lr)  # each rank's loss over its own slice
        every = [None] * world_size
        dist.all_gather_object(every, losses)
        if rank == 0:
            torch.save({"state": model.state_dict(), "losses": every}, Path(folder) / "result.pt")
    finally:
        dist.destroy_process_group()
    # reached only when this rank succeeded (an exception above reaches the parent as usual): leave at once, skipping
    # the interpreter's teardown of torch, which costs a process seconds on a busy machine
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def train_ddp(config: GPTConfig, state: dict[str, Tensor], batches: Tensor, lr: float, world_size: int = 2,
              dtype: torch.dtype = torch.float64) -> tuple[dict[str, Tensor], list[list[float]]]:
    """Train a copy of ``state`` with DDP on ``world_size`` CPU processes (gloo), each on B / world_size examples.

    Returns rank 0's final weights and every rank's losses (world_size lists of S floats).
    Raises RuntimeError (with :func:`gloo_unavailable_reason`) when gloo cannot run here.
    """
    reason = gloo_unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"cannot train with DDP: {reason}")
    if batches.dim() != 3 or batches.shape[1] % world_size:
        raise ValueError(f"expected batches (S, B, T + 1) with B a multiple of world_size = {world_size}, "
                         f"got {tuple(batches.shape)}")
    # gloo finds its network device from the host name, which may not resolve in a sandbox: the loopback always works
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    with tempfile.TemporaryDirectory() as folder:
        torch.save({"state": state, "batches": batches}, Path(folder) / "start.pt")
        mp.spawn(_worker, args=(world_size, folder, config, lr, dtype), nprocs=world_size, join=True)
        result = torch.load(Path(folder) / "result.pt")
    return result["state"], result["losses"]
