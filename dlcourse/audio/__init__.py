"""Audio for the speech notebook: the STFT and power spectrogram, mel filterbanks, and the equal error rate."""

from dlcourse.audio.mel import hz_to_mel, log_mel_spectrogram, mel_filterbank, mel_to_hz
from dlcourse.audio.stft import dft_matrices, frames, hann_window, spectrogram
from dlcourse.audio.verification import equal_error_rate, far_frr

__all__ = ["dft_matrices", "equal_error_rate", "far_frr", "frames", "hann_window", "hz_to_mel", "log_mel_spectrogram",
           "mel_filterbank", "mel_to_hz", "spectrogram"]
