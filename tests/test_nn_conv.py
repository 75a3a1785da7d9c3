"""conv2d, max_pool2d, avg_pool2d and their layers equal torch's in value and gradient; Conv2d loads nn.Conv2d."""

import math

import pytest
import torch
import torch.nn.functional as F
from helpers import assert_same
from torch import nn

from dlcourse.nn.conv import (
    AvgPool2d,
    Conv2d,
    MaxPool2d,
    avg_pool2d,
    conv2d,
    conv2d_output_shape,
    im2col,
    max_pool2d,
)

# (x shape, weight shape, stride, padding)
CONV_CASES = [
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 0),
    ((2, 3, 8, 8), (4, 3, 3, 3), 2, 1),  # stride 2, padding 1
    ((3, 1, 9, 7), (2, 1, 3, 2), (2, 1), (1, 0)),  # C=1, odd sizes, non-square kernel, stride and padding pairs
    ((2, 2, 7, 9), (3, 2, 3, 3), (1, 3), (2, 1)),
    ((1, 3, 5, 6), (5, 3, 1, 1), 1, 0),  # batch 1, 1×1 kernels
    ((2, 3, 4, 5), (3, 3, 4, 5), 1, 0),  # input exactly the kernel size: a 1×1 output
    ((1, 1, 3, 3), (1, 1, 5, 5), 1, 1),  # kernel exactly the padded input
    ((2, 3, 10, 10), (2, 3, 3, 3), 3, 0),  # stride that does not divide: floor
]

# (x shape, kernel_size, stride)
POOL_CASES = [
    ((2, 3, 8, 8), 2, None),
    ((2, 3, 9, 7), 3, 2),  # overlapping windows, odd sizes
    ((1, 1, 9, 7), (3, 2), (2, 1)),  # pairs, C=1, batch 1
    ((2, 3, 5, 6), (5, 6), None),  # input exactly the kernel size
    ((2, 1, 6, 6), 1, None),  # 1×1 windows: the identity
    ((2, 2, 10, 10), 3, None),  # floor mode drops the last row and column
    ((2, 2, 7, 7), 2, 3),  # stride larger than the kernel: gaps
]


def _conv_inputs(x_shape, w_shape, gen, dtype=torch.float64):
    x = torch.randn(x_shape, dtype=dtype, generator=gen)
    w = torch.randn(w_shape, dtype=dtype, generator=gen)
    b = torch.randn(w_shape[0], dtype=dtype, generator=gen)
    return x, w, b


@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding"), CONV_CASES)
def test_im2col_equals_unfold(x_shape, w_shape, stride, padding, gen):
    x = torch.randn(x_shape, dtype=torch.float64, generator=gen)
    k = w_shape[2:]
    assert_same(lambda x: im2col(x, k, stride, padding), lambda x: F.unfold(x, k, padding=padding, stride=stride), x)


@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding"), CONV_CASES)
def test_conv2d_matches_torch(x_shape, w_shape, stride, padding, gen):
    x, w, b = _conv_inputs(x_shape, w_shape, gen)
    assert_same(lambda x, w, b: conv2d(x, w, b, stride=stride, padding=padding),
                lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding), x, w, b, grad_inputs=(0, 1, 2))


@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding"), CONV_CASES[:3])
def test_conv2d_without_bias(x_shape, w_shape, stride, padding, gen):
    x, w, _ = _conv_inputs(x_shape, w_shape, gen)
    assert_same(lambda x, w: conv2d(x, w, None, stride=stride, padding=padding),
                lambda x, w: F.conv2d(x, w, None, stride=stride, padding=padding), x, w, grad_inputs=(0, 1))


@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding"), CONV_CASES[:3])
def test_conv2d_float32(x_shape, w_shape, stride, padding, gen):
    x, w, b = _conv_inputs(x_shape, w_shape, gen, dtype=torch.float32)
    assert_same(lambda x, w, b: conv2d(x, w, b, stride=stride, padding=padding),
                lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding), x, w, b, grad_inputs=(0, 1, 2),
                atol=1e-5, rtol=1e-4)


def test_conv2d_gradcheck(gen):
    x, w, b = (t.requires_grad_() for t in _conv_inputs((1, 2, 5, 4), (2, 2, 3, 2), gen))
    assert torch.autograd.gradcheck(lambda x, w, b: conv2d(x, w, b, stride=(2, 1), padding=(1, 1)), (x, w, b))


def test_conv2d_output_is_contiguous(gen):
    """So that flattening before a Linear layer with y.view(B, -1) works, as after F.conv2d."""
    x, w, b = _conv_inputs((2, 3, 6, 6), (4, 3, 3, 3), gen)
    assert conv2d(x, w, b, padding=1).is_contiguous()


@pytest.mark.parametrize(("x_shape", "w_shape", "stride", "padding"), CONV_CASES)
def test_conv2d_output_shape(x_shape, w_shape, stride, padding):
    out = F.conv2d(torch.zeros(x_shape), torch.zeros(w_shape), stride=stride, padding=padding)
    assert conv2d_output_shape(x_shape[2], x_shape[3], w_shape[2:], stride, padding) == tuple(out.shape[2:])


def test_conv2d_errors():
    x, w = torch.zeros(2, 3, 8, 8), torch.zeros(4, 3, 3, 3)
    with pytest.raises(ValueError, match=r"x of shape \(B, C, H, W\), got \(3, 8, 8\).*unsqueeze"):
        conv2d(x[0], w)
    with pytest.raises(ValueError, match=r"weight of shape \(O, C, kH, kW\)"):
        conv2d(x, w[0])
    with pytest.raises(ValueError, match=r"C=3 channels.*expects C=2"):
        conv2d(x, torch.zeros(4, 2, 3, 3))
    with pytest.raises(ValueError, match=r"bias of shape \(O,\)=\(4,\)"):
        conv2d(x, w, torch.zeros(3))
    with pytest.raises(ValueError, match=r"larger than the padded input .*\(10, 10\)"):
        conv2d(x, torch.zeros(4, 3, 11, 3), padding=1)
    with pytest.raises(ValueError, match="stride must be positive"):
        conv2d(x, w, stride=0)
    with pytest.raises(ValueError, match="stride must be positive"):
        conv2d(x, w, stride=(1, -1))
    with pytest.raises(ValueError, match="padding must be non-negative"):
        conv2d(x, w, padding=-1)
    with pytest.raises(ValueError, match="pair of ints"):
        conv2d(x, w, stride=(1, 2, 3))
    with pytest.raises(ValueError, match=r"im2col expected x of shape \(B, C, H, W\)"):
        im2col(x[0], 3)


@pytest.mark.parametrize(("x_shape", "kernel_size", "stride"), POOL_CASES)
@pytest.mark.parametrize(("ours", "builtin"), [(max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)])
def test_pool_matches_torch(ours, builtin, x_shape, kernel_size, stride, gen):
    x = torch.randn(x_shape, dtype=torch.float64, generator=gen)  # continuous: no ties
    assert_same(lambda x: ours(x, kernel_size, stride), lambda x: builtin(x, kernel_size, stride), x)


@pytest.mark.parametrize(("ours", "builtin"), [(max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)])
def test_pool_float32(ours, builtin, gen):
    x = torch.randn(2, 3, 9, 7, generator=gen)
    assert_same(lambda x: ours(x, 3, 2), lambda x: builtin(x, 3, 2), x, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize(("kernel_size", "stride"), [(2, None), (3, 1), ((2, 3), (1, 2))])
def test_max_pool2d_ties_go_to_the_first_max_like_torch(kernel_size, stride, gen):
    x = torch.randint(0, 3, (2, 2, 7, 8), generator=gen).double()  # few distinct values: many ties
    # a tie routed elsewhere would differ by O(1); overlapping windows only add in another order (1 ulp)
    assert_same(lambda x: max_pool2d(x, kernel_size, stride), lambda x: F.max_pool2d(x, kernel_size, stride), x)


def test_max_pool2d_all_tied_window_routes_gradient_to_its_top_left():
    x = torch.zeros(1, 1, 4, 4, dtype=torch.float64, requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    expected = torch.tensor([[1.0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]], dtype=torch.float64)
    torch.testing.assert_close(x.grad[0, 0], expected)


@pytest.mark.parametrize("pool", [max_pool2d, avg_pool2d])
def test_pool_errors(pool):
    x = torch.zeros(2, 3, 4, 4)
    with pytest.raises(ValueError, match=r"x of shape \(B, C, H, W\), got \(3, 4, 4\)"):
        pool(x[0], 2)
    with pytest.raises(ValueError, match=r"larger than the padded input .*\(4, 4\)"):
        pool(x, 5)
    with pytest.raises(ValueError, match="stride must be positive"):
        pool(x, 2, 0)
    with pytest.raises(ValueError, match="kernel_size must be positive"):
        pool(x, (0, 2))


def _assert_module_same(ours: nn.Module, ref: nn.Module, x: torch.Tensor, gen: torch.Generator) -> None:
    """Same output, and same gradients w.r.t. the input and every parameter (matched by name)."""
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    y1, y2 = ours(x1), ref(x2)
    torch.testing.assert_close(y1, y2)
    w = torch.randn(y1.shape, dtype=y1.dtype, generator=gen).to(y1.device)
    (y1 * w).sum().backward()
    (y2 * w).sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad)
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        torch.testing.assert_close(p.grad, ref_params[name].grad, msg=lambda m: f"gradient of {name} differs: {m}")


@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_module_load_state_dict_both_ways(bias, gen):
    kwargs = dict(in_channels=3, out_channels=4, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), bias=bias)
    x = torch.randn(2, 3, 9, 7, dtype=torch.float64, generator=gen)
    ref, ours = nn.Conv2d(**kwargs).double(), Conv2d(**kwargs).double()
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in ref.state_dict().items()}
    ours.load_state_dict(ref.state_dict())  # torch -> ours
    _assert_module_same(ours, ref, x, gen)
    ref, ours = nn.Conv2d(**kwargs).double(), Conv2d(**kwargs).double()
    ref.load_state_dict(ours.state_dict())  # ours -> torch
    _assert_module_same(ours, ref, x, gen)


def test_conv2d_module_init_like_torch():
    torch.manual_seed(0)
    ours = Conv2d(8, 16, 3)
    torch.manual_seed(0)
    ref = nn.Conv2d(8, 16, 3)
    # same bound 1/sqrt(fan_in) drawn in the same order: the same seed gives the same parameters
    torch.testing.assert_close(ours.weight, ref.weight)
    torch.testing.assert_close(ours.bias, ref.bias)
    bound = 1 / math.sqrt(8 * 3 * 3)
    assert bound * 0.9 < ours.weight.abs().max() <= bound
    assert ours.bias.abs().max() <= bound
    assert Conv2d(3, 2, 1, bias=False).bias is None


def test_conv2d_module_errors():
    with pytest.raises(ValueError, match="positive channel counts"):
        Conv2d(0, 4, 3)
    with pytest.raises(ValueError, match="stride > 0"):
        Conv2d(3, 4, 3, stride=0)
    with pytest.raises(ValueError, match=r"C=2 channels.*expects C=3"):
        Conv2d(3, 4, 3)(torch.zeros(1, 2, 5, 5))


@pytest.mark.parametrize(("kernel_size", "stride"), [(2, None), ((3, 2), (2, 1))])
@pytest.mark.parametrize(("ours", "builtin"), [(MaxPool2d, nn.MaxPool2d), (AvgPool2d, nn.AvgPool2d)])
def test_pool_modules_match_torch(ours, builtin, kernel_size, stride, gen):
    x = torch.randn(2, 3, 9, 7, dtype=torch.float64, generator=gen)
    assert_same(ours(kernel_size, stride), builtin(kernel_size, stride), x)
    assert list(ours(kernel_size).parameters()) == []


@pytest.mark.gpu
def test_conv_and_pools_on_cuda_match_builtins():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 11, 9, dtype=torch.float64, generator=g).cuda()
    ref = nn.Conv2d(3, 5, (3, 2), stride=(2, 1), padding=1).double().cuda()
    ours = Conv2d(3, 5, (3, 2), stride=(2, 1), padding=1).double().cuda()
    ours.load_state_dict(ref.state_dict())
    assert ours(x).device.type == "cuda"
    _assert_module_same(ours, ref, x, g)
    for ours_pool, ref_pool in [(MaxPool2d(3, 2), nn.MaxPool2d(3, 2)), (AvgPool2d(3, 2), nn.AvgPool2d(3, 2))]:
        _assert_module_same(ours_pool, ref_pool, x, g)
