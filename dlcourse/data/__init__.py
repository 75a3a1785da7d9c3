"""Datasets that need no download (scikit-learn's bundled digits; generated 2-D toys, graphs, scenes, road scenes, terrain
maps and DNA with a planted motif; a public-domain text and synthetic spoken digits shipped with the package), data
augmentation, k-fold splits and shuffled mini-batches of tensors in memory."""

from dlcourse.data import augment
from dlcourse.data.augment import (
    Compose,
    color_jitter,
    hflip,
    random_crop,
    random_deletion,
    random_hflip,
    random_rotation,
    random_scale,
    rotate,
    synonym_replacement,
)
from dlcourse.data.batches import TensorBatches
from dlcourse.data.digits import Split, load_digits
from dlcourse.data.dna import planted_motif_dna
from dlcourse.data.folds import kfold_indices
from dlcourse.data.graphs import community_graph
from dlcourse.data.road import road_scenes
from dlcourse.data.scenes import shape_scenes
from dlcourse.data.speech import SpokenDigits, load_spoken_digits
from dlcourse.data.terrain import TerrainMaps, terrain_maps
from dlcourse.data.text import CharVocab, load_shakespeare
from dlcourse.data.toy import circles, spirals, two_moons, xor

__all__ = [
    "CharVocab",
    "Compose",
    "Split",
    "TensorBatches",
    "SpokenDigits",
    "TerrainMaps",
    "augment",
    "circles",
    "color_jitter",
    "community_graph",
    "hflip",
    "kfold_indices",
    "load_digits",
    "load_shakespeare",
    "planted_motif_dna",
    "load_spoken_digits",
    "random_crop",
    "random_deletion",
    "random_hflip",
    "random_rotation",
    "random_scale",
    "road_scenes",
    "rotate",
    "shape_scenes",
    "spirals",
    "synonym_replacement",
    "terrain_maps",
    "two_moons",
    "xor",
]
