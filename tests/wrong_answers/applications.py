"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 03-speech
    'speech-spectrogram': [
        ("no centring: frames start at sample 0 of the unpadded waveform", '''
def power_spectrogram(waveform, n_fft, hop_length):
    if waveform.dim() not in (1, 2):
        raise ValueError("expected (T_samples,) or (B, T_samples)")
    x = waveform if waveform.dim() == 2 else waveform[None]
    chunks = x.unfold(-1, n_fft, hop_length)
    X = torch.fft.rfft(chunks * torch.hann_window(n_fft, dtype=x.dtype))
    power = (X.real**2 + X.imag**2).transpose(1, 2)
    return power if waveform.dim() == 2 else power[0]
'''),
        ("zero padding instead of the reflection", '''
def power_spectrogram(waveform, n_fft, hop_length):
    if waveform.dim() not in (1, 2):
        raise ValueError("expected (T_samples,) or (B, T_samples)")
    x = waveform if waveform.dim() == 2 else waveform[None]
    padded = F.pad(x, (n_fft // 2, n_fft // 2))
    chunks = padded.unfold(-1, n_fft, hop_length)
    X = torch.fft.rfft(chunks * torch.hann_window(n_fft, dtype=x.dtype))
    power = (X.real**2 + X.imag**2).transpose(1, 2)
    return power if waveform.dim() == 2 else power[0]
'''),
        ("the symmetric Hann window (periodic=False)", '''
def power_spectrogram(waveform, n_fft, hop_length):
    if waveform.dim() not in (1, 2):
        raise ValueError("expected (T_samples,) or (B, T_samples)")
    x = waveform if waveform.dim() == 2 else waveform[None]
    padded = F.pad(x[:, None, :], (n_fft // 2, n_fft // 2), mode="reflect")[:, 0]
    chunks = padded.unfold(-1, n_fft, hop_length)
    X = torch.fft.rfft(chunks * torch.hann_window(n_fft, periodic=False, dtype=x.dtype))
    power = (X.real**2 + X.imag**2).transpose(1, 2)
    return power if waveform.dim() == 2 else power[0]
'''),
        ("the magnitude |X| instead of the power |X|^2", '''
def power_spectrogram(waveform, n_fft, hop_length):
    if waveform.dim() not in (1, 2):
        raise ValueError("expected (T_samples,) or (B, T_samples)")
    x = waveform if waveform.dim() == 2 else waveform[None]
    padded = F.pad(x[:, None, :], (n_fft // 2, n_fft // 2), mode="reflect")[:, 0]
    chunks = padded.unfold(-1, n_fft, hop_length)
    X = torch.fft.rfft(chunks * torch.hann_window(n_fft, dtype=x.dtype))
    power = X.abs().transpose(1, 2)
    return power if waveform.dim() == 2 else power[0]
'''),
        ("time before frequency: the transpose forgotten", '''
def power_spectrogram(waveform, n_fft, hop_length):
    if waveform.dim() not in (1, 2):
        raise ValueError("expected (T_samples,) or (B, T_samples)")
    x = waveform if waveform.dim() == 2 else waveform[None]
    padded = F.pad(x[:, None, :], (n_fft // 2, n_fft // 2), mode="reflect")[:, 0]
    chunks = padded.unfold(-1, n_fft, hop_length)
    X = torch.fft.rfft(chunks * torch.hann_window(n_fft, dtype=x.dtype))
    power = X.real**2 + X.imag**2
    return power if waveform.dim() == 2 else power[0]
'''),
    ],
    'speech-predict': [
        ("a bin written as a string", '''
PREDICTIONS = {"bin_1khz": "32", "frames_hop_160": 33, "bin_5khz": 96}
'''),
        ("a key missing", '''
PREDICTIONS = {"bin_1khz": 32, "bin_5khz": 96}
'''),
        ("a frequency in Hz written as a float instead of a bin", '''
PREDICTIONS = {"bin_1khz": 32, "frames_hop_160": 33, "bin_5khz": 3000.0}
'''),
    ],
    'speech-eer': [
        ("min over thresholds of max(FAR, FRR), without interpolating between the points", '''
def eer(scores, labels):
    if scores.dim() != 1 or labels.shape != scores.shape:
        raise ValueError("expected scores and labels of shape (N,)")
    s, t = scores.double(), labels.bool()
    if t.all() or not t.any():
        raise ValueError("need both classes")
    thr = torch.cat([s.new_tensor([math.inf]), torch.unique(s).flip(0)])
    far = (s[~t][None, :] >= thr[:, None]).double().mean(1)
    frr = (s[t][None, :] < thr[:, None]).double().mean(1)
    return float(torch.maximum(far, frr).min())
'''),
        ("a pair accepted only when its score is strictly above the threshold", '''
def eer(scores, labels):
    if scores.dim() != 1 or labels.shape != scores.shape:
        raise ValueError("expected scores and labels of shape (N,)")
    s, t = scores.double(), labels.bool()
    if t.all() or not t.any():
        raise ValueError("need both classes")
    thr = torch.cat([s.new_tensor([math.inf]), torch.unique(s).flip(0)])
    far = (s[~t][None, :] > thr[:, None]).double().mean(1)
    frr = (s[t][None, :] <= thr[:, None]).double().mean(1)
    d = frr - far
    i = int(torch.nonzero(d <= 0)[0])
    a = d[i - 1] / (d[i - 1] - d[i])
    return float(far[i - 1] + a * (far[i] - far[i - 1]))
'''),
        ("the mean of FAR and FRR where they are closest, instead of the crossing", '''
def eer(scores, labels):
    if scores.dim() != 1 or labels.shape != scores.shape:
        raise ValueError("expected scores and labels of shape (N,)")
    s, t = scores.double(), labels.bool()
    if t.all() or not t.any():
        raise ValueError("need both classes")
    thr = torch.cat([s.new_tensor([math.inf]), torch.unique(s).flip(0)])
    far = (s[~t][None, :] >= thr[:, None]).double().mean(1)
    frr = (s[t][None, :] < thr[:, None]).double().mean(1)
    i = int((far - frr).abs().argmin())
    return float((far[i] + frr[i]) / 2)
'''),
        ("no checks: one class missing gives a number or an index error", '''
def eer(scores, labels):
    s, t = scores.double(), labels.bool()
    thr = torch.cat([s.new_tensor([math.inf]), torch.unique(s).flip(0)])
    far = (s[~t][None, :] >= thr[:, None]).double().mean(1)
    frr = (s[t][None, :] < thr[:, None]).double().mean(1)
    d = frr - far
    i = int(torch.nonzero(d <= 0)[0])
    a = d[i - 1] / (d[i - 1] - d[i])
    return float(far[i - 1] + a * (far[i] - far[i - 1]))
'''),
    ],
}
