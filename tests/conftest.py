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


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One real kernel for a test module (tests/kernels.py)."""
    from tests.kernels import start_kernel, stop_kernel

    km, client = start_kernel(tmp_path_factory.mktemp("kernel"))
    yield km, client
    stop_kernel(km, client)


@pytest.fixture
def fresh_kernel(tmp_path):
    """A kernel of its own, for a test that damages it."""
    from tests.kernels import start_kernel, stop_kernel

    km, client = start_kernel(tmp_path)
    yield km, client
    stop_kernel(km, client)
