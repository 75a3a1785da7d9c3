r"""Mel filterbank and log-mel spectrogram.

The **mel scale** spaces frequencies as a listener hears them: equal steps in mel sound like equal steps in pitch,
so it is nearly linear below 1 kHz and logarithmic above. This module uses the HTK formula

$$m(f) = 2595 \log_{10}\!\Big(1 + \frac{f}{700}\Big), \qquad f(m) = 700 \big(10^{m / 2595} - 1\big)$$

(HTK's and torchaudio's ``mel_scale="htk"``). The other common convention, Slaney's (librosa's default), is
linear below 1 kHz and logarithmic above, and also scales each filter to unit area; the two give filters in
slightly different places.

A filterbank of M = ``n_mels`` filters takes M + 2 points equally spaced in mel from $m(f_\min)$ to $m(f_\max)$,
$f_0 < f_1 < \dots < f_{M+1}$ in Hz. Filter $j = 1..M$ is a triangle that rises from 0 at $f_{j-1}$ to 1 at its
centre $f_j$ and falls back to 0 at $f_{j+1}$, evaluated at the frequency $f_k = k f_s / N$ of each STFT bin:

$$H_j(f_k) = \max\Big(0, \min\Big(\frac{f_k - f_{j-1}}{f_j - f_{j-1}}, \frac{f_{j+1} - f_k}{f_{j+1} - f_j}\Big)\Big) .$$

Neighbouring triangles cross at height 1/2 and sum to 1 between the first and the last centre. No area
normalisation (torchaudio's ``norm=None``). The log-mel spectrogram is $\ln(H P + \varepsilon)$ with $P$ the power
spectrogram: the natural log, $\varepsilon$ keeping silent frames finite.

Shapes:
    mel_filterbank -> (n_mels, N/2 + 1);
    log_mel_spectrogram: waveform (T_samples,) or (B, T_samples) -> (n_mels, frames) or (B, n_mels, frames).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from dlcourse.audio.stft import spectrogram


def hz_to_mel(f: Tensor | float) -> Tensor:
    """HTK mel: m = 2595 log10(1 + f / 700)."""
    return 2595.0 * torch.log10(1.0 + torch.as_tensor(f, dtype=torch.float64) / 700.0)


def mel_to_hz(m: Tensor | float) -> Tensor:
    """The inverse of hz_to_mel: f = 700 (10^(m / 2595) - 1)."""
    return 700.0 * (torch.pow(10.0, torch.as_tensor(m, dtype=torch.float64) / 2595.0) - 1.0)


def mel_filterbank(n_mels: int, n_fft: int, sample_rate: float, f_min: float = 0.0,
                   f_max: float | None = None) -> Tensor:
    """Triangular filters equally spaced in HTK mel between f_min and f_max (default sample_rate / 2).

    Returns:
        (n_mels, n_fft // 2 + 1) float32: row j is filter H_{j+1} at the frequencies k * sample_rate / n_fft.
    """
    f_max = sample_rate / 2 if f_max is None else f_max
    if n_mels < 1 or not 0 <= f_min < f_max <= sample_rate / 2:
        raise ValueError(f"need n_mels >= 1 and 0 <= f_min < f_max <= sample_rate / 2, got n_mels={n_mels}, "
                         f"f_min={f_min}, f_max={f_max}, sample_rate={sample_rate}")
    edges = mel_to_hz(torch.linspace(hz_to_mel(f_min).item(), hz_to_mel(f_max).item(), n_mels + 2,
                                     dtype=torch.float64))                          # (M + 2,) Hz
    freqs = torch.arange(n_fft // 2 + 1, dtype=torch.float64) * sample_rate / n_fft  # (N/2+1,) Hz of each bin
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]    # (M, 1) each
    rising = (freqs - lower) / (centre - lower)                                    # (M, N/2+1)
    falling = (upper - freqs) / (upper - centre)
    return torch.clamp(torch.minimum(rising, falling), min=0.0).to(torch.float32)


def log_mel_spectrogram(waveform: Tensor, sample_rate: float, n_fft: int, hop_length: int, n_mels: int,
                        eps: float = 1e-10) -> Tensor:
    """ln(H P + eps): the power spectrogram P of ``spectrogram`` through the filterbank H, in the waveform's dtype."""
    if not eps > 0 or not math.isfinite(eps):
        raise ValueError(f"eps must be a positive number, got {eps}")
    power = spectrogram(waveform, n_fft, hop_length)                                # (..., N/2+1, frames)
    H = mel_filterbank(n_mels, n_fft, sample_rate).to(power.dtype).to(power.device)  # (M, N/2+1)
    return torch.log(H @ power + eps)   # (M, N/2+1) @ (..., N/2+1, frames) -> (..., M, frames)
