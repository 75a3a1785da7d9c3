"""ResidualBlock and ResNet equal the same computation built from torch.nn layers: values, gradients, both modes."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import dlcourse.nn as dnn


class TorchBlock(nn.Module):
    """The reference: the block of He et al. (2016) from torch.nn.Conv2d and torch.nn.BatchNorm2d."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        return F.relu(self.shortcut(x) + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


def _randomise(module, gen):
    """Random weights and BN affine parameters and running statistics, so that no term is trivially 1 or 0."""
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if t.dtype.is_floating_point:
                if name.endswith("running_var"):
                    t.uniform_(0.5, 2.0, generator=gen)
                elif name.endswith(("weight", "running_mean", "bias")):
                    t.copy_(torch.randn(t.shape, dtype=t.dtype, generator=gen) * 0.5 + (name.endswith("bn1.weight")))


def _compare(ours, ref, x, gen):
    """Same output, and same gradients for the input and every parameter (in state_dict order)."""
    xa, xb = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    ya, yb = ours(xa), ref(xb)
    torch.testing.assert_close(ya, yb)
    g = torch.randn(ya.shape, dtype=ya.dtype, generator=gen)
    names = [n for n, _ in ref.named_parameters()]
    assert names == [n for n, _ in ours.named_parameters()]
    grads_a = torch.autograd.grad(ya, [xa, *ours.parameters()], g)
    grads_b = torch.autograd.grad(yb, [xb, *ref.parameters()], g)
    for name, a, b in zip(["input", *names], grads_a, grads_b):
        torch.testing.assert_close(a, b, msg=f"gradient of {name}")


CASES = [(4, 4, 1), (4, 8, 2), (3, 6, 1), (5, 5, 2)]   # identity; projection for channels + stride, channels, stride


@pytest.mark.parametrize("in_channels,out_channels,stride", CASES)
def test_block_matches_torch_composition_in_training_and_eval(in_channels, out_channels, stride, gen):
    ref = TorchBlock(in_channels, out_channels, stride).double()
    _randomise(ref, gen)
    ours = dnn.ResidualBlock(in_channels, out_channels, stride=stride).double()
    assert set(ours.state_dict()) == set(ref.state_dict())
    ours.load_state_dict(ref.state_dict())
    projection = stride != 1 or in_channels != out_channels
    assert isinstance(ours.shortcut, nn.Identity) != projection
    for step in range(2):   # training mode: batch statistics; the running statistics move alike
        x = torch.randn(3, in_channels, 7, 5, dtype=torch.float64, generator=gen) * 2 + step   # odd, non-square
        _compare(ours, ref, x, gen)
        for name, value in ref.state_dict().items():
            torch.testing.assert_close(ours.state_dict()[name], value, msg=f"{name} after step {step}")
    ours.eval(), ref.eval()
    x = torch.randn(2, in_channels, 6, 6, dtype=torch.float64, generator=gen)
    _compare(ours, ref, x, gen)
    assert ours(x).shape == (2, out_channels, (6 - 1) // stride + 1, (6 - 1) // stride + 1)
    ref.load_state_dict(ours.state_dict())   # and back


def test_plain_block_is_the_branch_without_the_shortcut(gen):
    torch.manual_seed(0)
    plain = dnn.ResidualBlock(4, 8, stride=2, residual=False).double()
    torch.manual_seed(0)
    res = dnn.ResidualBlock(4, 8, stride=2).double()
    assert isinstance(plain.shortcut, nn.Identity)
    x = torch.randn(3, 4, 6, 6, dtype=torch.float64, generator=gen)
    torch.testing.assert_close(plain(x), F.relu(res.branch(x)))   # the same branch weights, drawn first
    assert not torch.allclose(plain(x), res(x))


def test_identity_path_carries_the_gradient(gen):
    """With the branch switched off (bn2's gamma and beta 0), y = relu(x): dy/dx = I where x > 0."""
    block = dnn.ResidualBlock(3, 3).double()
    with torch.no_grad():
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
    x = (torch.rand(2, 3, 4, 4, dtype=torch.float64, generator=gen) + 0.1).requires_grad_(True)
    g = torch.randn(2, 3, 4, 4, dtype=torch.float64, generator=gen)
    (grad,) = torch.autograd.grad(block(x), x, g)
    torch.testing.assert_close(grad, g)   # the upstream gradient passes unchanged
    plain = dnn.ResidualBlock(3, 3, residual=False).double()
    plain.load_state_dict(block.state_dict())
    (grad_plain,) = torch.autograd.grad(plain(x), x, g)
    assert grad_plain.abs().max() == 0   # without the shortcut nothing comes through


def test_torch_layers_give_the_same_block_and_network():
    torch.manual_seed(3)
    ours = dnn.ResNet(channels=(4, 4, 8), num_classes=5)
    torch.manual_seed(3)   # Conv2d draws its weights like nn.Conv2d: one seed, the same parameters
    fast = dnn.ResNet(channels=(4, 4, 8), num_classes=5, conv=nn.Conv2d, norm=nn.BatchNorm2d)
    for (name, a), (_, b) in zip(ours.state_dict().items(), fast.state_dict().items()):
        torch.testing.assert_close(a, b, msg=name)
    x = torch.randn(6, 1, 8, 8)
    for mode in (True, False):
        ours.train(mode), fast.train(mode)
        torch.testing.assert_close(ours(x), fast(x), rtol=1e-4, atol=1e-5)


def test_resnet_shapes_layout_and_parameter_count():
    net = dnn.ResNet(channels=(8, 8, 16, 16), num_classes=10)
    assert [b.stride for b in net.blocks] == [1, 1, 2, 1]   # stride 2 where the width grows
    assert [isinstance(b.shortcut, nn.Identity) for b in net.blocks] == [True, True, False, True]
    assert net(torch.randn(5, 1, 8, 8)).shape == (5, 10)
    assert net(torch.randn(2, 1, 7, 9)).shape == (2, 10)   # global average pooling: any image size
    convs = [m for m in net.modules() if isinstance(m, dnn.Conv2d) and m.kernel_size == (3, 3)]
    assert len(convs) == 2 * 4 + 1   # main path: the stem and two per block
    block = dnn.ResidualBlock(16, 32, stride=2)
    assert sum(p.numel() for p in block.parameters()) == 32 * 16 * 9 + 32 * 32 * 9 + 32 * 16 + 3 * 2 * 32
    assert sum(p.numel() for p in dnn.ResidualBlock(16, 16).parameters()) == 2 * 16 * 16 * 9 + 2 * 2 * 16


def test_errors_name_the_shape_and_the_fix():
    with pytest.raises(ValueError, match=r"\(B, 4, H, W\)"):
        dnn.ResidualBlock(4, 8)(torch.randn(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"\(B, 4, H, W\)"):
        dnn.ResidualBlock(4, 8)(torch.randn(4, 8, 8))
    with pytest.raises(ValueError, match="stride 1 .* or 2"):
        dnn.ResidualBlock(4, 8, stride=3)
    with pytest.raises(ValueError, match="positive channel counts"):
        dnn.ResidualBlock(0, 8)
    with pytest.raises(ValueError, match="must not shrink"):
        dnn.ResNet(channels=(16, 8))
    with pytest.raises(ValueError, match="non-empty"):
        dnn.ResNet(channels=())
