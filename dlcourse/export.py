"""A model out of PyTorch: export to ONNX, run with onnxruntime, and check that the two agree.

ONNX (Open Neural Network Exchange) is a file format for a computation graph: operators such as ``Gemm``, ``Conv``
and ``Relu`` from a versioned set (the *opset*), with the weights stored beside them. Any runtime that reads ONNX
(onnxruntime, TensorRT, OpenVINO, a phone's or a browser's runtime) can then run the model without Python or
PyTorch.

``torch.onnx.export(..., dynamo=True)``, the default since PyTorch 2.9, captures the graph with ``torch.export``
(tracing the Python code once with symbolic shapes), translates each ATen operator to ONNX operators with
``onnxscript``, and optimises the result (a batch normalisation in eval mode is folded into the layer before it).
Two things go wrong in almost every first export, and ``export_onnx`` handles both:

- **the mode**: dropout and batch normalisation behave differently in training; the graph records whatever the
  model did while it was captured, so the model is put in ``eval()`` mode first (and given its mode back after);
- **the shapes**: without ``dynamic_shapes`` every dimension of the example input is baked into the graph, and the
  file refuses any other batch size; the first dimension of every input is marked dynamic (named ``batch``).

Shapes: ``export_onnx(model, (x,), path)`` with x (B, ...) of any B >= 2 (a batch of 1 would be taken as a
constant); ``run_onnx(path, x)`` returns the outputs as float tensors.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from pathlib import Path

import torch
from torch import Tensor, nn


@contextlib.contextmanager
def _quiet_exporter():
    # The exporter prints its progress, logs that torchvision's operators are skipped (the course does not install
    # torchvision), raises FutureWarnings from inside torch's pytree code and warns that nn.LSTM sets its own
    # _flat_weights while it is traced: none is about the user's model.
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.filterwarnings("ignore", category=FutureWarning)
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", message=r".*_flat_weights.*were assigned during export")
            yield
    finally:
        logger.setLevel(level)


def export_onnx(model: nn.Module, example: tuple[Tensor, ...], path: str | Path, opset: int | None = None) -> Path:
    """Export ``model`` in eval mode to the ONNX file ``path``, with a dynamic first (batch) dimension.

    The model gets its training mode back afterwards. The file is checked by ``onnx.checker``; its path is returned.
    """
    import onnx

    if not isinstance(example, tuple) or not example or not all(isinstance(t, Tensor) for t in example):
        raise TypeError("example must be a non-empty tuple of tensors, the model's positional inputs")
    if any(t.dim() == 0 or t.shape[0] < 2 for t in example):
        raise ValueError("give an example batch of at least 2: a batch of 1 would be exported as a constant size")
    path = Path(path)
    was_training = model.training
    model.eval()
    try:
        with _quiet_exporter():
            dynamic = tuple({0: torch.export.Dim(f"batch{i}" if i else "batch")} for i in range(len(example)))
            kwargs = {} if opset is None else {"opset_version": opset}
            program = torch.onnx.export(model, example, dynamo=True, verbose=False, dynamic_shapes=dynamic, **kwargs)
            program.save(str(path))
    finally:
        model.train(was_training)
    onnx.checker.check_model(str(path))
    return path


def run_onnx(path: str | Path, *inputs: Tensor) -> list[Tensor]:
    """Run an ONNX file with onnxruntime on the CPU and return its outputs as tensors."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    if len(names) != len(inputs):
        raise ValueError(f"the model takes {len(names)} inputs ({', '.join(names)}), got {len(inputs)}")
    feed = {name: x.detach().cpu().numpy() for name, x in zip(names, inputs)}
    return [torch.from_numpy(out) for out in session.run(None, feed)]


def max_difference(model: nn.Module, path: str | Path, *inputs: Tensor) -> float:
    """The largest absolute difference between ``model(*inputs)`` (in eval mode) and the ONNX file's first output."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            want = model(*inputs)
    finally:
        model.train(was_training)
    got = run_onnx(path, *inputs)[0]
    return (got.to(want.dtype) - want.detach().cpu()).abs().max().item()
