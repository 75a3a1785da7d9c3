"""Shared fixtures for the unit tests."""

import pytest
import torch


@pytest.fixture
def gen() -> torch.Generator:
    """A seeded generator, so each test draws the same random inputs on every run."""
    return torch.Generator().manual_seed(1234)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs CUDA")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
