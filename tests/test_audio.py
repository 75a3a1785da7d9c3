"""dlcourse.audio: the spectrogram against torch.stft (values and gradients), Parseval and a pure tone; the mel
filterbank against its formula and an independent numpy loop; the EER against sklearn's roc_curve; and the shipped
spoken digits (shapes, balance, determinism)."""

import math

import numpy as np
import pytest
import torch
from scipy.interpolate import interp1d
from scipy.optimize import brentq
from sklearn.metrics import roc_curve

from dlcourse.audio import equal_error_rate, far_frr, hz_to_mel, log_mel_spectrogram, mel_filterbank, spectrogram
from dlcourse.audio.stft import dft_matrices
from dlcourse.data import load_spoken_digits
from tests.helpers import assert_same


def _stft_power(x, n_fft, hop_length):
    window = torch.hann_window(n_fft, dtype=x.dtype)
    return torch.stft(x, n_fft, hop_length, window=window, return_complex=True).abs() ** 2


@pytest.mark.parametrize("shape", [(1000,), (3, 1000), (1, 257)])
@pytest.mark.parametrize("n_fft, hop_length", [(256, 64), (255, 100), (64, 1), (16, 16), (8, 3)])
def test_spectrogram_equals_torch_stft(shape, n_fft, hop_length):
    x = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(n_fft + hop_length))
    assert_same(lambda w: spectrogram(w, n_fft, hop_length), lambda w: _stft_power(w, n_fft, hop_length), x)
    frames = 1 + (shape[-1] + 2 * (n_fft // 2) - n_fft) // hop_length  # 1 + T_samples // hop for an even n_fft
    assert spectrogram(x, n_fft, hop_length).shape[-2:] == (n_fft // 2 + 1, frames)


def test_spectrogram_float32_and_gradcheck():
    x = torch.randn(2, 300, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(spectrogram(x, 64, 16), _stft_power(x, 64, 16), rtol=1e-4, atol=1e-4)
    small = torch.randn(40, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda w: spectrogram(w, 16, 4), (small,))


def test_dft_matrix_equals_rfft():
    frames = torch.randn(5, 256, dtype=torch.float64)  # (frames, N)
    cos, sin = dft_matrices(256, torch.float64)
    X = torch.fft.rfft(frames)  # (frames, N/2+1)
    torch.testing.assert_close(frames @ cos.T, X.real)
    torch.testing.assert_close(-(frames @ sin.T), X.imag)


def test_parseval_per_frame():
    # with hop = n_fft and no overlap, each interior frame's DFT holds the energy of its windowed samples:
    # sum_n |w x|^2 = (1/N) (|X_0|^2 + 2 sum_{0<k<N/2} |X_k|^2 + |X_{N/2}|^2)
    n = 64
    x = torch.randn(10 * n, dtype=torch.float64)
    power = spectrogram(x, n, n)  # (N/2+1, frames)
    weights = torch.full((n // 2 + 1, 1), 2.0, dtype=torch.float64)
    weights[0] = weights[-1] = 1.0
    energy = (weights * power).sum(0) / n  # (frames,)
    window = torch.hann_window(n, dtype=torch.float64)
    for t in range(1, 9):
        segment = x[t * n - n // 2: t * n + n // 2]  # frame t is centred on sample t * n
        assert torch.isclose(energy[t], ((window * segment) ** 2).sum())


@pytest.mark.parametrize("freq", [1000.0, 440.0, 3125.0])
def test_pure_tone_peaks_at_its_bin(freq):
    sample_rate, n_fft = 8000, 256
    t = torch.arange(4000, dtype=torch.float64) / sample_rate
    power = spectrogram(torch.sin(2 * math.pi * freq * t), n_fft, 128)  # (N/2+1, frames)
    peak = power[:, 5:-5].mean(1).argmax().item()
    assert peak == round(freq * n_fft / sample_rate), f"{freq} Hz peaks in bin {peak}"


def test_spectrogram_rejects_bad_input():
    with pytest.raises(ValueError, match="T_samples"):
        spectrogram(torch.randn(2, 3, 100), 16, 4)
    with pytest.raises(ValueError, match="n_fft // 2"):
        spectrogram(torch.randn(10), 64, 4)
    with pytest.raises(ValueError, match="hop_length >= 1"):
        spectrogram(torch.randn(100), 16, 0)


def _numpy_filterbank(n_mels, n_fft, sample_rate, f_min, f_max):
    # an independent loop: HTK mel points, a triangle per filter, evaluated bin by bin
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    hz = lambda m: 700 * (10 ** (m / 2595) - 1)  # noqa: E731
    points = hz(np.linspace(mel(f_min), mel(f_max), n_mels + 2))
    out = np.zeros((n_mels, n_fft // 2 + 1))
    for j in range(n_mels):
        lo, c, hi = points[j], points[j + 1], points[j + 2]
        for k in range(n_fft // 2 + 1):
            f = k * sample_rate / n_fft
            if lo < f <= c:
                out[j, k] = (f - lo) / (c - lo)
            elif c < f < hi:
                out[j, k] = (hi - f) / (hi - c)
    return out


@pytest.mark.parametrize("n_mels, n_fft, sample_rate, f_min, f_max",
                         [(40, 256, 8000, 0.0, None), (10, 512, 16000, 100.0, 7000.0), (1, 64, 8000, 0.0, 4000.0)])
def test_mel_filterbank_against_numpy_loop(n_mels, n_fft, sample_rate, f_min, f_max):
    H = mel_filterbank(n_mels, n_fft, sample_rate, f_min, f_max)
    assert H.shape == (n_mels, n_fft // 2 + 1) and H.dtype == torch.float32
    want = _numpy_filterbank(n_mels, n_fft, sample_rate, f_min, sample_rate / 2 if f_max is None else f_max)
    np.testing.assert_allclose(H.numpy(), want, atol=1e-6)


def test_mel_filters_peak_at_mel_spaced_centres_and_sum_to_one():
    n_mels, n_fft, sample_rate = 20, 1024, 8000
    H = mel_filterbank(n_mels, n_fft, sample_rate).double()
    centres = 700 * (10 ** (np.linspace(0, 2595 * np.log10(1 + 4000 / 700), n_mels + 2)[1:-1] / 2595) - 1)
    assert hz_to_mel(700.0).item() == pytest.approx(2595 * math.log10(2))
    bin_hz = sample_rate / n_fft
    for j, c in enumerate(centres):
        # the sampled triangle peaks at one of the two bins around its centre
        assert abs(H[j].argmax().item() * bin_hz - c) < bin_hz, f"filter {j} does not peak at {c:.1f} Hz"
        assert H[j].max() <= 1 and H[j].min() >= 0
        nonzero = torch.nonzero(H[j]).flatten()
        assert (torch.diff(nonzero) == 1).all(), "a triangle is one contiguous run of bins"
    freqs = torch.arange(n_fft // 2 + 1) * bin_hz
    inside = (freqs >= centres[0]) & (freqs <= centres[-1])
    torch.testing.assert_close(H.sum(0)[inside], torch.ones(int(inside.sum()), dtype=torch.float64))


def test_mel_filterbank_rejects_bad_range():
    with pytest.raises(ValueError, match="f_min < f_max"):
        mel_filterbank(10, 256, 8000, f_max=5000.0)
    with pytest.raises(ValueError, match="n_mels >= 1"):
        mel_filterbank(0, 256, 8000)


def test_log_mel_spectrogram_is_log_of_filtered_power():
    x = torch.randn(2, 800, dtype=torch.float64)
    out = log_mel_spectrogram(x, 8000, 128, 32, 16)
    want = torch.log(mel_filterbank(16, 128, 8000).double() @ _stft_power(x, 128, 32) + 1e-10)
    assert out.shape == (2, 16, 26)
    torch.testing.assert_close(out, want)
    silent = log_mel_spectrogram(torch.zeros(400), 8000, 128, 32, 16, eps=1e-6)
    torch.testing.assert_close(silent, torch.full_like(silent, math.log(1e-6)))
    with pytest.raises(ValueError, match="eps"):
        log_mel_spectrogram(x, 8000, 128, 32, 16, eps=0.0)


def _sklearn_eer(scores, labels):
    # the usual recipe: the root of 1 - FAR = TPR on the linearly interpolated ROC curve
    fpr, tpr, _ = roc_curve(labels.numpy(), scores.numpy())
    return brentq(lambda x: 1.0 - x - interp1d(fpr, tpr)(x), 0.0, 1.0)


@pytest.mark.parametrize("seed", range(6))
def test_equal_error_rate_against_roc_curve(seed):
    gen = torch.Generator().manual_seed(seed)
    n = [7, 50, 400, 1000, 33, 2][seed]
    labels = torch.randint(0, 2, (n,), generator=gen)
    labels[0], labels[1] = 0, 1  # both classes present
    scores = torch.randn(n, generator=gen, dtype=torch.float64) + 1.5 * labels
    if seed % 2:
        scores = torch.round(scores * 2) / 2  # many tied scores
    assert equal_error_rate(scores, labels) == pytest.approx(_sklearn_eer(scores, labels), abs=1e-9)


def test_equal_error_rate_extremes_and_curves():
    labels = torch.tensor([0, 0, 1, 1])
    assert equal_error_rate(torch.tensor([0.1, 0.2, 0.8, 0.9]), labels) == 0.0
    assert equal_error_rate(torch.tensor([0.8, 0.9, 0.1, 0.2]), labels) == 1.0
    assert equal_error_rate(torch.tensor([0.5, 0.5, 0.5, 0.5]), labels) == 0.5
    scores = torch.tensor([0.1, 0.4, 0.35, 0.8])  # one impostor above one target
    thresholds, far, frr = far_frr(scores, labels)
    torch.testing.assert_close(thresholds, torch.tensor([math.inf, 0.8, 0.4, 0.35, 0.1], dtype=torch.float64))
    torch.testing.assert_close(far, torch.tensor([0.0, 0.0, 0.5, 0.5, 1.0], dtype=torch.float64))
    torch.testing.assert_close(frr, torch.tensor([1.0, 0.5, 0.5, 0.0, 0.0], dtype=torch.float64))
    assert equal_error_rate(scores, labels) == 0.5  # the curves cross on the flat step at 0.5
    # a tie at 0.5: (FAR, FRR) jumps from (0, 1/3) to (1/2, 0), and that segment crosses FAR = FRR at 1/5
    assert equal_error_rate(torch.tensor([0.1, 0.5, 0.5, 0.6, 0.9]), torch.tensor([0, 0, 1, 1, 1])) \
        == pytest.approx(1 / 5)


def test_equal_error_rate_rejects_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        equal_error_rate(torch.rand(4), torch.tensor([0, 1, 1]))
    with pytest.raises(ValueError, match="at least one target"):
        equal_error_rate(torch.rand(3), torch.ones(3))
    with pytest.raises(ValueError, match="0 .different speakers. or 1"):
        equal_error_rate(torch.rand(3), torch.tensor([0, 1, 2]))


def test_spoken_digits_shapes_balance_and_determinism():
    data = load_spoken_digits()
    waveforms, digits, speakers, sample_rate = data[:4]
    assert sample_rate == 8000 and waveforms.dtype == torch.float32 and waveforms.shape == (400, 5200)
    assert digits.shape == speakers.shape == (400,) and digits.dtype == speakers.dtype == torch.long
    assert torch.equal(torch.bincount(digits), torch.full((10,), 40))
    assert torch.equal(torch.bincount(speakers), torch.full((10,), 40))
    pairs = torch.bincount(speakers * 10 + digits)  # every voice says every digit 4 times (2 speeds x 2 pitches)
    assert torch.equal(pairs, torch.full((100,), 4))
    assert waveforms.abs().max() <= 1 and (waveforms.abs().amax(1) > 0.5).all(), "each utterance is loud"
    assert len(data.voices) == 10 and len(set(data.voices)) == 10
    again = load_spoken_digits()
    assert torch.equal(again.waveforms, waveforms) and torch.equal(again.digits, digits)
