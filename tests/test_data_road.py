"""dlcourse.data.road_scenes: shapes and ranges, the target format of shape_scenes, determinism, night scenes darker,
and each object's depth equal to the ground's at its base row."""

import math

import pytest
import torch

from dlcourse.data.road import road_scenes


def test_shapes_targets_and_determinism():
    camera, depth, targets, night = road_scenes(20, image_size=32, max_objects=3, seed=1)
    assert camera.shape == (20, 3, 32, 32) and depth.shape == (20, 1, 32, 32) and night.shape == (20,)
    assert camera.dtype == depth.dtype == torch.float32 and night.dtype == torch.bool
    assert 0 <= camera.min() and camera.max() <= 1 and 0 <= depth.min() and depth.max() <= 1
    assert len(targets) == 20
    for t in targets:
        boxes, labels = t["boxes"], t["labels"]
        assert boxes.dtype == torch.float32 and labels.dtype == torch.long and 1 <= len(labels) <= 3
        assert boxes.shape == (len(labels), 4) and set(labels.tolist()) <= {0, 1}
        assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= 32).all() and (boxes[:, 2] > boxes[:, 0]).all()
        assert (boxes[:, 3] > boxes[:, 1]).all() and (boxes[:, 3] <= 32).all()
    again = road_scenes(20, image_size=32, max_objects=3, seed=1)
    assert torch.equal(again[0], camera) and torch.equal(again[1], depth)
    assert not torch.equal(road_scenes(20, seed=2)[0], camera)


def test_night_is_dark_and_depth_ignores_light():
    camera, depth, targets, night = road_scenes(200, seed=0)
    assert 0.3 < night.float().mean() < 0.7
    assert camera[night].mean() < 0.15 < 0.35 < camera[~night].mean()
    assert abs(depth[night].mean() - depth[~night].mean()) < 0.05
    assert not road_scenes(10, night_fraction=0.0)[3].any() and road_scenes(10, night_fraction=1.0)[3].all()


def test_objects_sit_at_the_distance_of_their_base():
    camera, depth, targets, night = road_scenes(50, seed=3)
    horizon = round(0.3 * 32)
    for d, t in zip(depth[:, 0], targets):
        for x1, y1, x2, y2 in t["boxes"].long().tolist():
            patch = d[y1:y2, x1:x2]
            seen = patch[patch > 0]  # pixels with a return
            want = 1 - math.log(y2 - 1 - horizon) / math.log(32 - horizon)
            assert seen.numel() == 0 or abs(seen.median().item() - want) < 0.05


@pytest.mark.parametrize("kwargs,match", [({"n": 0}, "n >= 1"), ({"n": 2, "image_size": 16}, "image_size"),
                                          ({"n": 2, "night_fraction": 1.5}, "night_fraction")])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        road_scenes(**kwargs)
