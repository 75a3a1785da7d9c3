"""dlcourse: the helper package of the deep-learning course.

Notebooks teach; this package keeps what they derive, under the same names, so that
later chapters can import it. See the book's preface for the map of the course.
"""

from dlcourse.device import autocast, get_device, get_scale, seed_everything

__all__ = ["autocast", "get_device", "get_scale", "seed_everything"]
__version__ = "0.1.0"
