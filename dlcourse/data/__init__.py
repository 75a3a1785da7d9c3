"""Datasets that need no download: scikit-learn's bundled digits and generated 2-D toys."""

from dlcourse.data.digits import Split, load_digits
from dlcourse.data.toy import circles, spirals, two_moons, xor

__all__ = ["Split", "circles", "load_digits", "spirals", "two_moons", "xor"]
