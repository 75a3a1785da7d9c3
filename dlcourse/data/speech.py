"""Spoken digits "zero" ... "nine" by ten synthetic voices, shipped with the package (nothing is downloaded).

``spoken_digits.npz`` was made offline with the speech synthesiser espeak-ng by ``build_spoken_digits.py`` (next to
this file; its docstring lists the voices, speeds and pitches and says how to re-run it): 10 voices x 10 digits x
2 speeds x 2 pitches = 400 utterances of 0.65 s at 8 kHz, stored as 8-bit mu-law codes. A voice is an espeak-ng
accent with a voice variant (``en-us+f4``, ``en-gb-scotland+m2``, ...); it plays the part of a speaker. The
waveforms are espeak-ng's output, not a part of the program: its GPL-3.0 licence does not extend to them.

Mu-law (G.711, mu = 255) codes a sample x in [-1, 1] as y = sign(x) ln(1 + mu |x|) / ln(1 + mu), scaled to the
int8 range; decoding inverts it, x = sign(y) ((1 + mu)^|y| - 1) / mu.

Shapes:
    waveforms (N, T) float32 in [-1, 1], N = 400 utterances of T = 5,200 samples;
    digits (N,) long in 0..9; speakers (N,) long in 0..9, an index into ``VOICES``.
"""

from __future__ import annotations

import lzma
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import Tensor

DATA_FILE = Path(__file__).with_name("spoken_digits.npz")
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MU = 255


class SpokenDigits(NamedTuple):
    waveforms: Tensor    # (N, T) float32
    digits: Tensor       # (N,) long, the spoken digit
    speakers: Tensor     # (N,) long, the voice's index into voices
    sample_rate: int     # samples per second (8,000)
    voices: tuple[str, ...] = ()  # the espeak-ng voice of each speaker id


def mu_law_decode(codes: Tensor, mu: int = MU) -> Tensor:
    """int8 mu-law codes -> float32 samples in [-1, 1]: x = sign(y) ((1 + mu)^|y| - 1) / mu, y = code / 127."""
    y = codes.to(torch.float32) / 127
    return torch.sign(y) * (torch.pow(1.0 + mu, y.abs()) - 1) / mu


def load_spoken_digits() -> SpokenDigits:
    """The 400 shipped utterances, in the order voice, speed, pitch, digit; the same every call.

    Returns a ``SpokenDigits`` (a named tuple): ``waveforms, digits, speakers, sample_rate, voices = ...``.
    """
    with np.load(DATA_FILE) as data:
        n, t = (int(v) for v in data["shape"])
        codes = np.frombuffer(lzma.decompress(data["mu_law_xz"].tobytes()), dtype=np.int8).reshape(n, t)  # (N, T)
        return SpokenDigits(waveforms=mu_law_decode(torch.from_numpy(codes.copy())),
                            digits=torch.from_numpy(data["digits"].astype(np.int64)),
                            speakers=torch.from_numpy(data["speakers"].astype(np.int64)),
                            sample_rate=int(data["sample_rate"]),
                            voices=tuple(str(v) for v in data["voices"]))
