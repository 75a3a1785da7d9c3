r"""The short-time Fourier transform (STFT) and the power spectrogram, from the DFT formula.

A waveform $x[0], \dots, x[T_\text{samples}-1]$ is cut into overlapping **frames** of $N$ = ``n_fft`` samples, the
frame $t$ starting at sample $t \cdot$ ``hop_length``; each frame is multiplied by the Hann window
$w[n] = \tfrac12 - \tfrac12 \cos(2\pi n / N)$ (the periodic form, ``torch.hann_window(N)``) and transformed by the
discrete Fourier transform

$$X[k, t] = \sum_{n=0}^{N-1} w[n]\, x[t \cdot \text{hop} + n]\, e^{-2\pi i k n / N}, \qquad k = 0, \dots, N/2 ,$$

(a real signal's bins $k > N/2$ mirror those below, so only $N/2 + 1$ are kept). The **power spectrogram** is
$|X[k, t]|^2$: bin $k$ holds the energy near the frequency $f_k = k \cdot f_s / N$ in frame $t$, at the time
$t \cdot \text{hop} / f_s$ seconds.

Convention: ``torch.stft``'s default ``center=True, pad_mode="reflect"``: the waveform is first padded by $N/2$
samples on each side with its own reflection, so that frame $t$ is *centred* on sample $t \cdot$ ``hop_length``, and
there are $1 + \lfloor (T_\text{samples} + 2 \lfloor N/2 \rfloor - N) / \text{hop} \rfloor$ frames,
$1 + \lfloor T_\text{samples} / \text{hop} \rfloor$ for an even $N$. ``spectrogram`` equals
``torch.stft(x, n_fft, hop_length, window=torch.hann_window(n_fft), return_complex=True).abs() ** 2``.

The DFT is written as a matrix: with the real $(N/2+1, N)$ matrices $\cos(2\pi k n / N)$ and $\sin(2\pi k n / N)$,
$\mathrm{Re}\,X = \text{frames} \cdot \cos^\top$ and $\mathrm{Im}\,X = -\,\text{frames} \cdot \sin^\top$: the formula
itself, one matrix product for all frames, $O(N^2)$ per frame. ``torch.fft.rfft`` computes the same numbers in
$O(N \log N)$ (the fast Fourier transform); at the lesson's $N = 256$ the matrix product is within a small factor
of ``torch.stft`` (the benchmark measures the ratio), and the test checks that it agrees with rfft.

Shapes:
    waveform (T_samples,) or (B, T_samples) -> power (N/2 + 1, frames) or (B, N/2 + 1, frames),
    frames = 1 + T_samples // hop_length for an even N.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor


def hann_window(n_fft: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """The periodic Hann window w[n] = 1/2 - 1/2 cos(2 pi n / N), n = 0..N-1 (torch.hann_window's default)."""
    n = torch.arange(n_fft, dtype=dtype)
    return 0.5 - 0.5 * torch.cos(2 * math.pi * n / n_fft)


def dft_matrices(n_fft: int, dtype: torch.dtype = torch.float32) -> tuple[Tensor, Tensor]:
    """cos(2 pi k n / N) and sin(2 pi k n / N) for k = 0..N/2, n = 0..N-1: two (N/2 + 1, N) matrices."""
    k = torch.arange(n_fft // 2 + 1, dtype=torch.float64)[:, None]  # (N/2+1, 1)
    n = torch.arange(n_fft, dtype=torch.float64)[None, :]           # (1, N)
    # k * n is reduced mod N in exact integers before the angle: keeps cos/sin accurate for large k n
    angle = 2 * math.pi * torch.remainder(k * n, n_fft) / n_fft     # (N/2+1, N)
    return torch.cos(angle).to(dtype), torch.sin(angle).to(dtype)


def frames(waveform: Tensor, n_fft: int, hop_length: int) -> Tensor:
    """Reflect-pad by N/2 on each side, then cut into frames: (B, T_samples) -> (B, frames, N)."""
    if waveform.shape[-1] <= n_fft // 2:
        raise ValueError(f"reflect padding needs more than n_fft // 2 = {n_fft // 2} samples, "
                         f"got {waveform.shape[-1]}; use a smaller n_fft")
    padded = F.pad(waveform[:, None, :], (n_fft // 2, n_fft // 2), mode="reflect")[:, 0]  # (B, T_samples + N)
    return padded.unfold(-1, n_fft, hop_length)  # (B, frames, N): frame t = padded[t*hop : t*hop + N]


def spectrogram(waveform: Tensor, n_fft: int, hop_length: int) -> Tensor:
    """Power spectrogram |X[k, t]|^2 of a Hann-windowed, centred STFT, equal to torch.stft's.

    Args:
        waveform: (T_samples,) or (B, T_samples), float.
        n_fft: frame length N (samples); N/2 + 1 frequency bins.
        hop_length: samples between the starts of consecutive frames.

    Returns:
        (N/2 + 1, frames) or (B, N/2 + 1, frames) in the waveform's dtype, frames = 1 + T_samples // hop_length
        for an even n_fft.
    """
    if waveform.dim() not in (1, 2):
        raise ValueError(f"expected a waveform of shape (T_samples,) or (B, T_samples), got {tuple(waveform.shape)}")
    if n_fft < 2 or hop_length < 1:
        raise ValueError(f"need n_fft >= 2 and hop_length >= 1, got n_fft={n_fft}, hop_length={hop_length}")
    x = waveform if waveform.dim() == 2 else waveform[None]  # (B, T_samples)
    windowed = frames(x, n_fft, hop_length) * hann_window(n_fft, x.dtype).to(x.device)  # (B, frames, N)
    cos, sin = (m.to(x.device) for m in dft_matrices(n_fft, x.dtype))                    # (N/2+1, N) each
    re = windowed @ cos.T                          # (B, frames, N) @ (N, N/2+1) -> (B, frames, N/2+1)
    im = -(windowed @ sin.T)                       # the imaginary part of e^{-i angle} is -sin
    power = (re**2 + im**2).transpose(1, 2)        # (B, N/2+1, frames), torch.stft's layout
    return power if waveform.dim() == 2 else power[0]
