"""dlcourse.data.augment agrees with torch's exact operations (rot90, flip, slicing) and is reproducible."""

import random
from functools import partial

import pytest
import torch

from dlcourse.data.augment import (
    Compose,
    adjust_brightness,
    adjust_contrast,
    color_jitter,
    crop,
    hflip,
    random_crop,
    random_deletion,
    random_hflip,
    random_rotation,
    random_scale,
    rotate,
    synonym_replacement,
    zoom,
)

ATOL = 1e-5


def _images(gen, n=4, c=2, h=6, w=6, dtype=torch.float32):
    return torch.rand(n, c, h, w, generator=gen, dtype=dtype)


@pytest.mark.parametrize(("degrees", "k"), [(90.0, 1), (180.0, 2), (270.0, 3), (-90.0, -1)])
def test_rotate_multiples_of_90_equal_rot90(gen, degrees, k):
    # on a square image with align_corners=False, pixel centres map exactly onto pixel centres
    x = _images(gen, h=7, w=7)
    torch.testing.assert_close(rotate(x, degrees), torch.rot90(x, k, dims=(2, 3)), atol=ATOL, rtol=0)


def test_rotate_180_non_square_and_per_sample_angles(gen):
    x = _images(gen, n=3, h=5, w=8)
    torch.testing.assert_close(rotate(x, 180.0), torch.rot90(x, 2, dims=(2, 3)), atol=ATOL, rtol=0)
    y = rotate(x, torch.tensor([0.0, 180.0, 0.0]))
    torch.testing.assert_close(y[[0, 2]], x[[0, 2]], atol=ATOL, rtol=0)
    torch.testing.assert_close(y[1], torch.rot90(x[1], 2, dims=(1, 2)), atol=ATOL, rtol=0)


def test_identities(gen):
    x = _images(gen, h=5, w=9)
    torch.testing.assert_close(rotate(x, 0.0), x, atol=ATOL, rtol=0)
    torch.testing.assert_close(zoom(x, 1.0), x, atol=ATOL, rtol=0)
    torch.testing.assert_close(random_scale(x, (1.0, 1.0), generator=gen), x, atol=ATOL, rtol=0)
    torch.testing.assert_close(random_rotation(x, 0.0, generator=gen), x, atol=ATOL, rtol=0)
    assert torch.equal(random_crop(x, (5, 9), padding=0, generator=gen), x)


def test_zoom_by_two_enlarges_the_centre():
    x = torch.zeros(1, 1, 8, 8)
    x[..., 3:5, 3:5] = 1.0  # a 2x2 square in the centre
    y = zoom(x, 2.0)
    assert y.sum().item() == pytest.approx(4 * x.sum().item(), abs=1e-4)  # area grows by s^2
    assert torch.allclose(zoom(x, 0.5).sum(), x.sum() / 4, atol=1e-4)


def test_known_transformations_of_a_known_image():
    """One bright pixel at the top centre of a 5 x 5 image: rotated a quarter turn counter-clockwise it is at the
    left centre, mirrored it stays (the column is the middle one), a pixel on the left goes to the right."""
    x = torch.zeros(1, 1, 5, 5)
    x[0, 0, 0, 2] = 1.0
    left = torch.zeros(1, 1, 5, 5)
    left[0, 0, 2, 0] = 1.0
    torch.testing.assert_close(rotate(x, 90.0), left, atol=ATOL, rtol=0)
    torch.testing.assert_close(rotate(x, -90.0), left.flip(-1), atol=ATOL, rtol=0)  # clockwise: the right centre
    assert torch.equal(hflip(x), x) and torch.equal(hflip(left), left.flip(-1))
    centre = torch.zeros(1, 1, 5, 5)
    centre[0, 0, 2, 2] = 1.0
    torch.testing.assert_close(zoom(centre, 2.0)[0, 0, 2, 2], torch.tensor(1.0), atol=ATOL, rtol=0)  # the centre stays
    assert zoom(x, 2.0)[0, 0, 0].abs().sum() < ATOL            # the top row is pushed out of the frame


def test_random_transforms_apply_the_drawn_parameters(gen):
    """A random transform is its deterministic one at parameters drawn from U[low, high) with the generator."""
    x = _images(gen, n=8, dtype=torch.float64)
    u = torch.rand(8, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    torch.testing.assert_close(random_rotation(x, 30.0, generator=torch.Generator().manual_seed(4)),
                               rotate(x, -30.0 + 60.0 * u))
    torch.testing.assert_close(random_scale(x, (0.8, 1.2), generator=torch.Generator().manual_seed(4)),
                               zoom(x, 0.8 + 0.4 * u))
    both = Compose([partial(random_rotation, max_degrees=30.0), partial(random_scale, scale=(0.8, 1.2))])
    g = torch.Generator().manual_seed(4)
    expected = random_scale(random_rotation(x, 30.0, generator=g), (0.8, 1.2), generator=g)
    torch.testing.assert_close(both(x, generator=torch.Generator().manual_seed(4)), expected)


def test_hflip_and_random_hflip(gen):
    x = _images(gen, n=64)
    assert torch.equal(hflip(x), torch.flip(x, dims=(3,)))
    assert torch.equal(random_hflip(x, p=0.0, generator=gen), x)
    assert torch.equal(random_hflip(x, p=1.0, generator=gen), torch.flip(x, dims=(3,)))
    y = random_hflip(x, p=0.5, generator=torch.Generator().manual_seed(0))
    flipped = torch.tensor([torch.equal(y[i], x[i].flip(-1)) for i in range(len(x))])
    kept = torch.tensor([torch.equal(y[i], x[i]) for i in range(len(x))])
    assert bool((flipped ^ kept).all()), "each sample is either flipped or untouched"
    assert 10 < int(flipped.sum()) < 54, "p=0.5 flips about half the samples, decided per sample"
    expected = torch.rand(64, generator=torch.Generator().manual_seed(0)) < 0.5
    assert torch.equal(flipped, expected)


def test_crop_equals_slicing(gen):
    x = _images(gen, n=3, h=6, w=7)
    top, left = torch.tensor([0, 2, 1]), torch.tensor([3, 0, 1])
    y = crop(x, top, left, (4, 4))
    for n in range(3):
        t, l = int(top[n]), int(left[n])
        assert torch.equal(y[n], x[n, :, t:t + 4, l:l + 4])
    with pytest.raises(ValueError, match="inside"):
        crop(x, 3, 0, 4)


def test_random_crop_equals_slicing_at_drawn_offsets(gen):
    x = _images(gen, n=16, h=6, w=6)
    p, size = 2, 5
    y = random_crop(x, size, padding=p, generator=torch.Generator().manual_seed(7))
    g = torch.Generator().manual_seed(7)
    top = torch.randint(0, 6 + 2 * p - size + 1, (16,), generator=g)
    left = torch.randint(0, 6 + 2 * p - size + 1, (16,), generator=g)
    padded = torch.nn.functional.pad(x, (p, p, p, p))
    for n in range(16):
        t, l = int(top[n]), int(left[n])
        assert torch.equal(y[n], padded[n, :, t:t + size, l:l + size])
    assert len(set(zip(top.tolist(), left.tolist()))) > 1, "offsets are drawn per sample"


def test_brightness_and_contrast_formulas(gen):
    x = _images(gen, dtype=torch.float64)
    b = torch.tensor([0.5, 1.0, 1.5, 2.0], dtype=torch.float64)
    torch.testing.assert_close(adjust_brightness(x, b), (b.view(-1, 1, 1, 1) * x).clamp(0, 1))
    torch.testing.assert_close(adjust_brightness(x, 3.0, clamp=None), 3 * x)
    mu = x.mean(dim=(1, 2, 3), keepdim=True)
    torch.testing.assert_close(adjust_contrast(x, b), (b.view(-1, 1, 1, 1) * (x - mu) + mu).clamp(0, 1))
    torch.testing.assert_close(adjust_contrast(x, 0.0), mu.expand_as(x))  # contrast 0: flat grey at the mean
    y = adjust_contrast(x, 0.7, clamp=None)
    torch.testing.assert_close(y.mean(dim=(1, 2, 3)), x.mean(dim=(1, 2, 3)))  # the mean is kept
    torch.testing.assert_close(color_jitter(x, 0.0, 0.0, generator=gen), x)
    out = color_jitter(x, 0.5, 0.5, generator=gen)
    assert out.min() >= 0 and out.max() <= 1


def test_color_jitter_draw_order(gen):
    x = _images(gen, dtype=torch.float64)
    g = torch.Generator().manual_seed(3)
    u = torch.rand(4, generator=g, dtype=torch.float64)
    v = torch.rand(4, generator=g, dtype=torch.float64)
    expected = adjust_contrast(adjust_brightness(x, 0.8 + 0.4 * u), 0.9 + 0.2 * v)
    torch.testing.assert_close(color_jitter(x, 0.2, 0.1, generator=torch.Generator().manual_seed(3)), expected)


RANDOM_TRANSFORMS = [
    partial(random_rotation, max_degrees=30.0),
    partial(random_scale, scale=(0.8, 1.2)),
    partial(random_hflip, p=0.5),
    partial(random_crop, size=5, padding=1),
    partial(color_jitter, brightness=0.3, contrast=0.3),
    Compose([partial(random_rotation, max_degrees=15.0), partial(random_crop, size=6, padding=1)]),
]


@pytest.mark.parametrize("transform", RANDOM_TRANSFORMS)
def test_same_seed_same_output_and_shapes_kept(gen, transform):
    for dtype in (torch.float32, torch.float64):
        x = _images(gen, n=8, dtype=dtype)
        a = transform(x, generator=torch.Generator().manual_seed(11))
        b = transform(x, generator=torch.Generator().manual_seed(11))
        c = transform(x, generator=torch.Generator().manual_seed(12))
        assert torch.equal(a, b)
        assert not torch.equal(a, c)
        assert a.dtype == dtype and a.device == x.device and a.shape[:2] == x.shape[:2]
    torch.manual_seed(0)
    d = transform(x)
    torch.manual_seed(0)
    assert torch.equal(d, transform(x)), "generator=None uses the global CPU generator"


def test_gradients_of_rotate_zoom_and_crop(gen):
    """Gradients with respect to the images and to the angles and factors: gradcheck (finite differences), and
    equal to the gradients of torch's exact operations where there is one (rot90, padding and slicing)."""
    x = _images(gen, n=2, h=5, w=5, dtype=torch.float64).requires_grad_(True)
    w = torch.randn(2, 2, 5, 5, generator=gen, dtype=torch.float64)   # a weighted sum reaches every pixel's gradient
    angles = torch.tensor([10.0, -25.0], dtype=torch.float64, requires_grad=True)
    factors = torch.tensor([1.3, 0.7], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(rotate, (x, angles))
    assert torch.autograd.gradcheck(zoom, (x, factors))
    (g_rot,) = torch.autograd.grad((rotate(x, 90.0) * w).sum(), x)
    (g_ref,) = torch.autograd.grad((torch.rot90(x, 1, dims=(2, 3)) * w).sum(), x)
    torch.testing.assert_close(g_rot, g_ref, atol=1e-10, rtol=0)
    (g_zoom,) = torch.autograd.grad((zoom(x, 1.0) * w).sum(), x)
    torch.testing.assert_close(g_zoom, w, atol=1e-10, rtol=0)                # the identity passes w back unchanged
    (g_f,) = torch.autograd.grad(zoom(x, factors).sum(), factors)
    assert (g_f != 0).all()                                                   # each factor moves its own image
    y = random_crop(x, 4, padding=1, generator=torch.Generator().manual_seed(2))
    (g_crop,) = torch.autograd.grad((y * w[:, :, :4, :4]).sum(), x)
    g = torch.Generator().manual_seed(2)
    top, left = torch.randint(0, 4, (2,), generator=g), torch.randint(0, 4, (2,), generator=g)
    padded = torch.nn.functional.pad(x, (1, 1, 1, 1))
    ref = torch.stack([padded[n, :, top[n]:top[n] + 4, left[n]:left[n] + 4] for n in range(2)])
    (g_ref,) = torch.autograd.grad((ref * w[:, :, :4, :4]).sum(), x)
    torch.testing.assert_close(g_crop, g_ref, atol=0, rtol=0)


@pytest.mark.parametrize("bad", [torch.zeros(8, 8), torch.zeros(2, 8, 8), torch.zeros(1, 1, 8, 8, dtype=torch.long),
                                 [[0.0]]])
@pytest.mark.parametrize("fn", [partial(rotate, degrees=10.0), hflip, random_hflip, partial(random_crop, size=2),
                                partial(zoom, factor=1.1), random_scale,
                                partial(random_rotation, max_degrees=5.0),
                                partial(adjust_brightness, factor=1.1), partial(adjust_contrast, factor=1.1),
                                color_jitter])
def test_bad_input_raises_value_error(bad, fn):
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        fn(bad)


def test_bad_arguments_raise_value_error():
    x = torch.zeros(2, 1, 4, 4)
    with pytest.raises(ValueError, match=r"degrees must be a number or a tensor of shape \(N,\) = \(2,\)"):
        rotate(x, torch.zeros(3))
    with pytest.raises(ValueError, match=r"crop size \(6, 6\) must fit the padded images of size \(4, 4\)"):
        random_crop(x, 6)
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        random_hflip(x, p=1.5)
    with pytest.raises(ValueError, match=r"scale must be \(low, high\) with 0 < low <= high"):
        random_scale(x, (0.0, 1.0))


SYNONYMS = {"quick": ["fast", "speedy"], "happy": ["glad", "cheerful"], "dog": ["hound"], "big": ["large", "huge"]}


def test_synonym_replacement():
    tokens = "the quick dog is happy and big".split()
    a = synonym_replacement(tokens, SYNONYMS, n=2, rng=random.Random(0))
    assert a == synonym_replacement(tokens, SYNONYMS, n=2, rng=random.Random(0)), "deterministic under a seed"
    assert tokens == "the quick dog is happy and big".split(), "the input list is not modified"
    changed = [i for i, (s, t) in enumerate(zip(tokens, a)) if s != t]
    assert len(a) == len(tokens) and len(changed) == 2
    assert all(a[i] in SYNONYMS[tokens[i]] for i in changed)
    everything = synonym_replacement(tokens, SYNONYMS, n=100, rng=random.Random(1))
    assert sum(s != t for s, t in zip(tokens, everything)) == 4, "n larger than the candidates replaces them all"
    assert synonym_replacement(tokens, SYNONYMS, n=0, rng=random.Random(0)) == tokens
    assert synonym_replacement(["no", "match"], SYNONYMS, n=3, rng=random.Random(0)) == ["no", "match"]
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        synonym_replacement(tokens, SYNONYMS, n=-1, rng=random.Random(0))


def test_random_deletion():
    tokens = "a b c d e f g h i j".split()
    a = random_deletion(tokens, 0.3, random.Random(5))
    assert a == random_deletion(tokens, 0.3, random.Random(5)), "deterministic under a seed"
    assert all(t in tokens for t in a) and a == [t for t in tokens if t in a], "keeps the order"
    assert random_deletion(tokens, 0.0, random.Random(0)) == tokens
    for seed in range(20):
        out = random_deletion(tokens, 1.0, random.Random(seed))
        assert len(out) == 1 and out[0] in tokens, "never empty: one random token survives"
    assert len({random_deletion(tokens, 1.0, random.Random(s))[0] for s in range(20)}) > 1
    with pytest.raises(ValueError, match="tokens is empty"):
        random_deletion([], 0.5, random.Random(0))
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got -0.1"):
        random_deletion(tokens, -0.1, random.Random(0))


@pytest.mark.gpu
def test_cuda_matches_cpu_with_the_same_seed():
    x = _images(torch.Generator().manual_seed(0), n=8, h=8, w=8)
    for transform in RANDOM_TRANSFORMS:
        cpu = transform(x, generator=torch.Generator().manual_seed(5))
        gpu = transform(x.cuda(), generator=torch.Generator().manual_seed(5))
        assert gpu.device.type == "cuda"
        torch.testing.assert_close(gpu.cpu(), cpu, atol=1e-5, rtol=0)
    angles = torch.tensor([15.0, -40.0, 90.0, 0.0, 33.0, 180.0, -7.0, 60.0])
    torch.testing.assert_close(rotate(x.cuda(), angles.cuda()).cpu(), rotate(x, angles), atol=1e-5, rtol=0)
