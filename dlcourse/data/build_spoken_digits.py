"""Build ``spoken_digits.npz``, the spoken digits "zero" ... "nine" that ``load_spoken_digits`` ships, with espeak-ng.

Run once, offline, on a machine with espeak-ng (1.51 was used; ``apt-get install espeak-ng``); nothing runs it at
import time, in the tests or in CI, which use the shipped file::

    python -m dlcourse.data.build_spoken_digits            # rewrites dlcourse/data/spoken_digits.npz

Each utterance is one English digit word spoken by one **voice** (the speaker of the data set): an espeak-ng
language variant (``en`` British, ``en-us``, ``en-gb-scotland``, ``en-029`` Caribbean, ``en-gb-x-rp``) with a voice
variant (``+m1`` ... ``+m7`` male, ``+f1`` ... ``+f5`` female, ``+croak``), at two speeds (160 and 210 words per
minute, ``-s``) and two pitches (35 and 65 on espeak-ng's 0-99 scale, ``-p``): VOICES x 10 digits x 2 x 2
utterances. Each one is

1. synthesised by ``espeak-ng -v VOICE -s SPEED -p PITCH -w out.wav WORD`` at 22,050 Hz, 16 bits;
2. resampled to ``SAMPLE_RATE`` = 8 kHz (telephone band) with ``scipy.signal.resample_poly`` (up 160, down 441);
3. trimmed to the samples above 2 % of its peak, scaled to a peak of 0.9, placed at a random offset (fixed
   generator) in ``LENGTH`` = 5,200 zeros (0.65 s), cut to that length if longer;
4. coded in mu-law (mu = 255) as int8, 8 bits per sample as in G.711 telephony; the (N, LENGTH) int8 array is
   stored LZMA-compressed (``mu_law_xz``, a fifth smaller than the npz's own zlib) next to the labels.

Licence: the waveforms are the output of espeak-ng, not a part of it. espeak-ng is GPL-3.0, which covers the program,
not what it outputs; the data set is ours and ships under the course's licence.
"""

from __future__ import annotations

import lzma
import subprocess
import tempfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("spoken_digits.npz")
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
VOICES = ("en+m1", "en+f2", "en-us+m3", "en-us+f4", "en-gb-scotland+m2", "en-gb-scotland+f1", "en-029+m4",
          "en-029+f5", "en-gb-x-rp+m7", "en-us+croak")
SPEEDS = (160, 210)      # words per minute
PITCHES = (35, 65)       # espeak-ng's 0-99 scale, 50 the default
SAMPLE_RATE = 8000
LENGTH = 5200            # 0.65 s at 8 kHz
MU = 255


def mu_law_encode(x: np.ndarray) -> np.ndarray:
    """x in [-1, 1] -> int8 codes: sign(x) ln(1 + mu |x|) / ln(1 + mu), scaled to [-127, 127]."""
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    return np.round(127 * y).astype(np.int8)


def synthesise(voice: str, speed: int, pitch: int, word: str) -> np.ndarray:
    """One utterance at SAMPLE_RATE as float64 in [-1, 1], untrimmed."""
    from scipy.io import wavfile
    from scipy.signal import resample_poly

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(wav), word],
                       check=True, capture_output=True)
        rate, x = wavfile.read(wav)
    if rate != 22050:
        raise RuntimeError(f"espeak-ng wrote {rate} Hz, expected 22050")
    return resample_poly(x.astype(np.float64) / 32768, 160, 441)  # 22,050 * 160 / 441 = 8,000 Hz


def build(out: Path = OUT, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes, digits, speakers, speeds, pitches = [], [], [], [], []
    for s, voice in enumerate(VOICES):
        for speed in SPEEDS:
            for pitch in PITCHES:
                for d, word in enumerate(WORDS):
                    x = synthesise(voice, speed, pitch, word)
                    loud = np.nonzero(np.abs(x) > 0.02 * np.abs(x).max())[0]
                    x = x[loud[0]:loud[-1] + 1][:LENGTH]
                    x = 0.9 * x / np.abs(x).max()
                    start = int(rng.integers(0, LENGTH - len(x) + 1))
                    wave = np.zeros(LENGTH)
                    wave[start:start + len(x)] = x
                    codes.append(mu_law_encode(wave))
                    digits.append(d)
                    speakers.append(s)
                    speeds.append(speed)
                    pitches.append(pitch)
    mu_law = np.stack(codes)  # (N, LENGTH) int8
    packed = lzma.compress(mu_law.tobytes(), preset=9 | lzma.PRESET_EXTREME)
    data = {"mu_law_xz": np.frombuffer(packed, dtype=np.uint8), "shape": np.array(mu_law.shape),
            "digits": np.array(digits, dtype=np.int8),
            "speakers": np.array(speakers, dtype=np.int8), "speeds": np.array(speeds, dtype=np.int16),
            "pitches": np.array(pitches, dtype=np.int8), "voices": np.array(VOICES),
            "sample_rate": np.array(SAMPLE_RATE)}
    np.savez(out, **data)
    return data


if __name__ == "__main__":
    data = build()
    print(f"{OUT}: {data['shape'][0]} utterances of {LENGTH} samples, {OUT.stat().st_size / 1e6:.2f} MB")
