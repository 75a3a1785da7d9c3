"""dlcourse.export: an ONNX file run by onnxruntime equals the PyTorch model in eval mode, at every batch size."""

import onnx
import pytest
import torch
from torch import nn

from dlcourse.export import export_onnx, max_difference, run_onnx


class _Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, batch_first=True)
        self.out = nn.Linear(6, 2)

    def forward(self, x):                 # (B, T, 4) -> (B, 2)
        return self.out(self.lstm(x)[0][:, -1])


def test_an_mlp_with_dropout_and_batchnorm_exports_in_eval_mode(tmp_path, capsys):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
    model(torch.randn(32, 4))            # running statistics away from their initial values
    model.train()
    path = export_onnx(model, (torch.randn(5, 4),), tmp_path / "mlp.onnx")
    assert model.training                 # its mode given back
    assert capsys.readouterr().out == ""  # the exporter's progress kept quiet
    graph = onnx.load(str(path)).graph
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    for batch in (1, 3, 17):
        x = torch.randn(batch, 4)
        assert max_difference(model, path, x) < 1e-5
    model.eval()
    torch.testing.assert_close(run_onnx(path, torch.ones(2, 4))[0], model(torch.ones(2, 4)).detach(), atol=1e-5,
                               rtol=1e-5)


def test_a_cnn_and_an_lstm(tmp_path):
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10))
    path = export_onnx(cnn, (torch.randn(2, 1, 8, 8),), tmp_path / "cnn.onnx")
    assert max_difference(cnn, path, torch.randn(6, 1, 8, 8)) < 1e-5
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    assert {"Conv", "Relu", "MaxPool"} <= ops
    rnn = _Sequence()
    path = export_onnx(rnn, (torch.randn(3, 7, 4),), tmp_path / "lstm.onnx")
    assert max_difference(rnn, path, torch.randn(4, 7, 4)) < 1e-5


def test_bad_examples(tmp_path):
    model = nn.Linear(3, 2)
    with pytest.raises(ValueError, match="at least 2"):
        export_onnx(model, (torch.randn(1, 3),), tmp_path / "m.onnx")
    with pytest.raises(TypeError, match="tuple"):
        export_onnx(model, torch.randn(4, 3), tmp_path / "m.onnx")
    path = export_onnx(model, (torch.randn(4, 3),), tmp_path / "m.onnx")
    with pytest.raises(ValueError, match="takes 1 inputs"):
        run_onnx(path, torch.randn(2, 3), torch.randn(2, 3))
