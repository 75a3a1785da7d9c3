"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-vision
    'vision-box-iou': [
        ("the overlaps are not clamped at 0: two negative overlaps make a positive area for disjoint boxes", '''
def box_iou(boxes1, boxes2):
    top_left = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    sides = bottom_right - top_left
    inter = sides[..., 0] * sides[..., 1]
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    union = area1[:, None] + area2[None, :] - inter
    return torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
'''),
        ("the union is the sum of the areas: the intersection is counted twice", '''
def box_iou(boxes1, boxes2):
    top_left = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    sides = (bottom_right - top_left).clamp(min=0)
    inter = sides[..., 0] * sides[..., 1]
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    union = area1[:, None] + area2[None, :]
    return torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
'''),
        ("the boxes read as (x, y, w, h)", '''
def box_iou(boxes1, boxes2):
    b1 = torch.cat([boxes1[:, :2], boxes1[:, :2] + boxes1[:, 2:]], 1)
    b2 = torch.cat([boxes2[:, :2], boxes2[:, :2] + boxes2[:, 2:]], 1)
    top_left = torch.maximum(b1[:, None, :2], b2[None, :, :2])
    bottom_right = torch.minimum(b1[:, None, 2:], b2[None, :, 2:])
    sides = (bottom_right - top_left).clamp(min=0)
    inter = sides[..., 0] * sides[..., 1]
    union = (boxes1[:, 2] * boxes1[:, 3])[:, None] + (boxes2[:, 2] * boxes2[:, 3])[None, :] - inter
    return torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
'''),
    ],
    'vision-predict': [
        ("the IoU as a fraction in words", '''
PREDICTION = {"iou": "64/136", "kept": [3, 0, 2], "ap": 0.42}
'''),
        ("the kept boxes as a set: the order NMS returns is part of the answer", '''
PREDICTION = {"iou": 0.47, "kept": {0, 2, 3}, "ap": 0.42}
'''),
        ("a percentage for the AP", '''
PREDICTION = {"iou": 0.47, "kept": [3, 0, 2], "ap": 42}
'''),
    ],
    'vision-dice-grad': [
        ("only the numerator differentiated: the denominator's dependence on p forgotten", '''
def soft_dice_loss_and_grad(p, t):
    s_pt, s = (p * t).sum(), p.sum() + t.sum()
    if s == 0:
        raise ValueError("undefined")
    return 1 - 2 * s_pt / s, -2 * t / s
'''),
        ("the sign of the gradient flipped", '''
def soft_dice_loss_and_grad(p, t):
    s_pt, s = (p * t).sum(), p.sum() + t.sum()
    if s == 0:
        raise ValueError("undefined")
    return 1 - 2 * s_pt / s, -2 * (s_pt - t * s) / s ** 2
'''),
        ("no error for an undefined loss: 0/0 returns nan", '''
def soft_dice_loss_and_grad(p, t):
    s_pt, s = (p * t).sum(), p.sum() + t.sum()
    return 1 - 2 * s_pt / s, 2 * (s_pt - t * s) / s ** 2
'''),
    ],
    'vision-nms': [
        ("no sort: boxes are taken in input order, so a low-scoring box can remove a better one", '''
def nms(boxes, scores, iou_threshold):
    from dlcourse.vision import box_iou
    iou = box_iou(boxes, boxes)
    removed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for i in range(len(boxes)):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.long)
'''),
        ("removed boxes still remove others: every box is compared with every higher-scoring box", '''
def nms(boxes, scores, iou_threshold):
    from dlcourse.vision import box_iou
    order = torch.sort(scores, descending=True, stable=True).indices
    iou = box_iou(boxes[order], boxes[order])
    keep = [i for i in range(len(order)) if not (iou[i, :i] > iou_threshold).any()]
    return order[torch.tensor(keep, dtype=torch.long)]
'''),
        ("positions in the sorted order returned instead of indices into boxes", '''
def nms(boxes, scores, iou_threshold):
    from dlcourse.vision import box_iou
    order = torch.sort(scores, descending=True, stable=True).indices
    iou = box_iou(boxes[order], boxes[order])
    removed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.long)
'''),
    ],
    # ---------------------------------------------------------------- 02-language
    'language-beam': [
        ('the first attempt: finished hypotheses stay in the beam and are extended past EOS', '''
def beam_search(log_probs, bos, eos, beam_size, max_len, alpha=0.0):
    prefixes = torch.full((1, 1), bos)
    log_p = torch.zeros(1, dtype=torch.float64)
    finished = []
    for t in range(1, max_len + 1):
        scores = log_p[:, None] + log_probs[prefixes[:, -1]]
        V = scores.shape[1]
        best = scores.flatten().topk(min(beam_size, scores.numel()))
        rows, tokens = best.indices // V, best.indices % V
        prefixes, log_p = torch.cat([prefixes[rows], tokens[:, None]], dim=1), best.values
        for seq, score in zip(prefixes.tolist(), log_p.tolist()):
            if seq[-1] == eos:
                finished.append((score / t**alpha, seq[1:]))
    for seq, score in zip(prefixes.tolist(), log_p.tolist()):
        if seq[-1] != eos:
            finished.append((score / max_len**alpha, seq[1:]))
    score, tokens = max(finished, key=lambda item: item[0])
    return tokens, float(score)
'''),
        ('divides by the length n instead of n ** alpha', '''
def beam_search(log_probs, bos, eos, beam_size, max_len, alpha=0.0):
    prefixes = torch.full((1, 1), bos)
    log_p = torch.zeros(1, dtype=torch.float64)
    finished = []
    for t in range(1, max_len + 1):
        scores = log_p[:, None] + log_probs[prefixes[:, -1]]
        V = scores.shape[1]
        best = scores.flatten().topk(min(beam_size, scores.numel()))
        rows, tokens = best.indices // V, best.indices % V
        extended = torch.cat([prefixes[rows], tokens[:, None]], dim=1)
        done = tokens == eos
        for seq, score in zip(extended[done].tolist(), best.values[done].tolist()):
            finished.append((score / t, seq[1:]))
        prefixes, log_p = extended[~done], best.values[~done]
        if len(prefixes) == 0:
            break
    for seq, score in zip(prefixes.tolist(), log_p.tolist()):
        if len(seq) == max_len + 1:
            finished.append((score / max_len, seq[1:]))
    score, tokens = max(finished, key=lambda item: item[0])
    return tokens, float(score)
'''),
        ('counts BOS in the length: (n + 1) ** alpha', '''
def beam_search(log_probs, bos, eos, beam_size, max_len, alpha=0.0):
    prefixes = torch.full((1, 1), bos)
    log_p = torch.zeros(1, dtype=torch.float64)
    finished = []
    for t in range(1, max_len + 1):
        scores = log_p[:, None] + log_probs[prefixes[:, -1]]
        V = scores.shape[1]
        best = scores.flatten().topk(min(beam_size, scores.numel()))
        rows, tokens = best.indices // V, best.indices % V
        extended = torch.cat([prefixes[rows], tokens[:, None]], dim=1)
        done = tokens == eos
        for seq, score in zip(extended[done].tolist(), best.values[done].tolist()):
            finished.append((score / (t + 1)**alpha, seq[1:]))
        prefixes, log_p = extended[~done], best.values[~done]
        if len(prefixes) == 0:
            break
    for seq, score in zip(prefixes.tolist(), log_p.tolist()):
        if len(seq) == max_len + 1:
            finished.append((score / (max_len + 1)**alpha, seq[1:]))
    score, tokens = max(finished, key=lambda item: item[0])
    return tokens, float(score)
'''),
        ('forgets the prefixes still in the beam after max_len: no hypothesis when none has finished', '''
def beam_search(log_probs, bos, eos, beam_size, max_len, alpha=0.0):
    prefixes = torch.full((1, 1), bos)
    log_p = torch.zeros(1, dtype=torch.float64)
    finished = []
    for t in range(1, max_len + 1):
        scores = log_p[:, None] + log_probs[prefixes[:, -1]]
        V = scores.shape[1]
        best = scores.flatten().topk(min(beam_size, scores.numel()))
        rows, tokens = best.indices // V, best.indices % V
        extended = torch.cat([prefixes[rows], tokens[:, None]], dim=1)
        done = tokens == eos
        for seq, score in zip(extended[done].tolist(), best.values[done].tolist()):
            finished.append((score / t**alpha, seq[1:]))
        prefixes, log_p = extended[~done], best.values[~done]
        if len(prefixes) == 0:
            break
    pass
    score, tokens = max(finished, key=lambda item: item[0])
    return tokens, float(score)
'''),
    ],
    'language-bleu': [
        ('no clipping: every candidate n-gram that occurs in a reference counts, however often it repeats', '''
from collections import Counter


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

def corpus_bleu(candidates, references, max_n=4):
    matched, total = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        c += len(cand)
        r += min((len(ref) for ref in refs), key=lambda m: abs(m - len(cand)))
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for ref in refs:
                best |= Counter({g: 10**9 for g in _ngrams(ref, n)})
            matched[n - 1] += sum(min(k, best[g]) for g, k in counts.items())
            total[n - 1] += sum(counts.values())
    if min(matched) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(m / t) for m, t in zip(matched, total)) / max_n)
'''),
        ("clips by the sum of the references' counts instead of the largest count in one reference", '''
from collections import Counter


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

def corpus_bleu(candidates, references, max_n=4):
    matched, total = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        c += len(cand)
        r += min((len(ref) for ref in refs), key=lambda m: abs(m - len(cand)))
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for ref in refs:
                best += _ngrams(ref, n)
            matched[n - 1] += sum(min(k, best[g]) for g, k in counts.items())
            total[n - 1] += sum(counts.values())
    if min(matched) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(m / t) for m, t in zip(matched, total)) / max_n)
'''),
        ('the arithmetic mean of the precisions instead of the geometric mean', '''
from collections import Counter


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

def corpus_bleu(candidates, references, max_n=4):
    matched, total = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        c += len(cand)
        r += min((len(ref) for ref in refs), key=lambda m: abs(m - len(cand)))
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for ref in refs:
                best |= _ngrams(ref, n)
            matched[n - 1] += sum(min(k, best[g]) for g, k in counts.items())
            total[n - 1] += sum(counts.values())
    if min(matched) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * sum(m / t for m, t in zip(matched, total)) / max_n
'''),
        ('the shortest reference in the brevity penalty instead of the closest in length', '''
from collections import Counter


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

def corpus_bleu(candidates, references, max_n=4):
    matched, total = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        c += len(cand)
        r += min(len(ref) for ref in refs)
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for ref in refs:
                best |= _ngrams(ref, n)
            matched[n - 1] += sum(min(k, best[g]) for g, k in counts.items())
            total[n - 1] += sum(counts.values())
    if min(matched) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(m / t) for m, t in zip(matched, total)) / max_n)
'''),
        ('no brevity penalty', '''
from collections import Counter


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

def corpus_bleu(candidates, references, max_n=4):
    matched, total = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        c += len(cand)
        r += min((len(ref) for ref in refs), key=lambda m: abs(m - len(cand)))
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for ref in refs:
                best |= _ngrams(ref, n)
            matched[n - 1] += sum(min(k, best[g]) for g, k in counts.items())
            total[n - 1] += sum(counts.values())
    if min(matched) == 0:
        return 0.0
    bp = 1.0
    return bp * math.exp(sum(math.log(m / t) for m, t in zip(matched, total)) / max_n)
'''),
        ('the mean of sentence-level scores instead of counts summed over the corpus', '''
from collections import Counter


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _sentence(cand, refs, max_n):
    matched, total = [0] * max_n, [0] * max_n
    for n in range(1, max_n + 1):
        counts = _ngrams(cand, n)
        best = Counter()
        for ref in refs:
            best |= _ngrams(ref, n)
        matched[n - 1] = sum(min(k, best[g]) for g, k in counts.items())
        total[n - 1] = sum(counts.values())
    if min(matched) == 0:
        return 0.0
    c, r = len(cand), min((len(ref) for ref in refs), key=lambda m: abs(m - len(cand)))
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(m / t) for m, t in zip(matched, total)) / max_n)


def corpus_bleu(candidates, references, max_n=4):
    return sum(_sentence(c, rs, max_n) for c, rs in zip(candidates, references)) / len(candidates)
'''),
    ],
    'language-predict': [
        ("a number written as a string", '''
PREDICTIONS = {"reversed": 0.0, "short": "0.61", "the7": 0.29, "bag_same": True}
'''),
        ("a key missing", '''
PREDICTIONS = {"reversed": 0.0, "short": 0.61, "bag_same": True}
'''),
        ("True written as a string", '''
PREDICTIONS = {"reversed": 0.0, "short": 0.61, "the7": 0.29, "bag_same": "True"}
'''),
        ("a BLEU score as a percentage", '''
PREDICTIONS = {"reversed": 0.0, "short": 61, "the7": 29, "bag_same": True}
'''),
    ],
    # 05-applications/04-medicine
    'medicine-sensitivity': [
        ("sensitivity as precision and specificity as the negative predictive value: divided by the predictions", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("bad input")
    pred = s >= threshold
    tp, tn = int((pred & (y == 1)).sum()), int((~pred & (y == 0)).sum())
    return tp / int(pred.sum()), tn / int((~pred).sum())
'''),
        ("a score equal to the threshold predicted negative (score > threshold)", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("bad input")
    pred = s > threshold
    return int((pred & (y == 1)).sum()) / int((y == 1).sum()), int((~pred & (y == 0)).sum()) / int((y == 0).sum())
'''),
        ("0-dimensional tensors returned instead of floats", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():
        raise ValueError("bad input")
    pred = s >= threshold
    return (pred & (y == 1)).sum() / (y == 1).sum(), (~pred & (y == 0)).sum() / (y == 0).sum()
'''),
        ("no check that both classes are present: 0 / 0 gives nan instead of an error", '''
def sensitivity_specificity(y_true, scores, threshold):
    y = torch.as_tensor(y_true)
    s = torch.as_tensor(scores, dtype=torch.float64)
    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("bad input")
    pred = s >= threshold
    tp, tn = int((pred & (y == 1)).sum()), int((~pred & (y == 0)).sum())
    p, n = int((y == 1).sum()), int((y == 0).sum())
    return tp / p if p else float("nan"), tn / n if n else float("nan")
'''),
    ],
    'medicine-predict': [
        ("the accuracy as a percentage", '''
PREDICTION = {"accuracy": 94.7, "sensitivity": 0.0}
'''),
        ("the sensitivity in words", '''
PREDICTION = {"accuracy": 0.947, "sensitivity": "zero"}
'''),
        ("a key missing", '''
PREDICTION = {"accuracy": 0.947}
'''),
    ],
    'medicine-threshold': [
        ("the thresholds searched from the smallest up: the first one reaches any target by calling everything positive", '''
def choose_threshold(y_val, scores_val, min_sensitivity):
    y = torch.as_tensor(y_val).long()
    s = torch.as_tensor(scores_val, dtype=torch.float64)
    for t in sorted(set(s.tolist())):
        if ((s >= t) & (y == 1)).sum().item() / (y == 1).sum().item() >= min_sensitivity:
            return float(t)
'''),
        ("Youden's index (sensitivity + specificity) maximised, the target ignored", '''
def choose_threshold(y_val, scores_val, min_sensitivity):
    y = torch.as_tensor(y_val).long()
    s = torch.as_tensor(scores_val, dtype=torch.float64)
    best, best_j = None, -1.0
    for t in sorted(set(s.tolist()), reverse=True):
        pred = s >= t
        j = (pred & (y == 1)).sum().item() / (y == 1).sum().item() + (~pred & (y == 0)).sum().item() / (y == 0).sum().item()
        if j > best_j:
            best, best_j = t, j
    return float(best)
'''),
        ("a quantile of the positives' scores, interpolated between two of them", '''
def choose_threshold(y_val, scores_val, min_sensitivity):
    y = torch.as_tensor(y_val).long()
    s = torch.as_tensor(scores_val, dtype=torch.float64)
    return torch.quantile(s[y == 1], 1 - min_sensitivity).item()
'''),
    ],
    'medicine-ece': [
        ("bins closed on the left (floor(p * M)), 1.0 clamped into the last bin", '''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = torch.as_tensor(y_true).double()
    p = torch.as_tensor(probs, dtype=torch.float64)
    if y.shape != p.shape or len(y) == 0 or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("bad input")
    b = (p * n_bins).floor().long().clamp(max=n_bins - 1)
    pos = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, y)
    pred = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, p)
    return ((pos - pred).abs().sum() / len(p)).item()
'''),
        ("the plain mean of the per-bin gaps, not weighted by the bins' sizes", '''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = torch.as_tensor(y_true).double()
    p = torch.as_tensor(probs, dtype=torch.float64)
    if y.shape != p.shape or len(y) == 0 or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("bad input")
    b = torch.searchsorted(torch.linspace(0, 1, n_bins + 1, dtype=torch.float64)[1:-1], p)
    n = torch.bincount(b, minlength=n_bins).double()
    pos = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, y)
    pred = torch.zeros(n_bins, dtype=torch.float64).index_add(0, b, p)
    full = n > 0
    return ((pos[full] - pred[full]).abs() / n[full]).mean().item()
'''),
        ("the mean of |y - p| over single cases: no bins", '''
def expected_calibration_error(y_true, probs, n_bins=10):
    y = torch.as_tensor(y_true).double()
    p = torch.as_tensor(probs, dtype=torch.float64)
    if y.shape != p.shape or len(y) == 0 or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("bad input")
    return (y - p).abs().mean().item()
'''),
    ],
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
    # ---------------------------------------------------------------- 05-autonomous-driving
    'driving-predict': [
        ("a key missing", '''
PREDICTIONS = {"night_camera_vs_range": "range", "day_camera_vs_range": "camera"}
'''),
        ("a sensor that is not offered", '''
PREDICTIONS = {"night_camera_vs_range": "lidar", "day_camera_vs_range": "camera", "night_best": "fused"}
'''),
        ("fused offered only for night_best", '''
PREDICTIONS = {"night_camera_vs_range": "fused", "day_camera_vs_range": "camera", "night_best": "fused"}
'''),
    ],
    'driving-astar': [
        ("pays the cost of the cell it leaves instead of the one it enters", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    c_min = cost[torch.isfinite(cost)].min().item()
    grid = cost.tolist()
    h = lambda n: c_min * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(h(start), 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1], g[n], expanded
        closed.add(n)
        expanded += 1
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            m = (n[0] + dr, n[1] + dc)
            if not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf or m in closed:
                continue
            g_new = g[n] + grid[n[0]][n[1]]
            if g_new < g.get(m, math.inf):
                g[m], parent[m] = g_new, n
                tie += 1
                heapq.heappush(queue, (g_new + h(m), tie, m))
    return None, math.inf, expanded
'''),
        ("Dijkstra: the heap ordered by g alone, without the heuristic", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    grid = cost.tolist()
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(0.0, 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1], g[n], expanded
        closed.add(n)
        expanded += 1
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            m = (n[0] + dr, n[1] + dc)
            if not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf or m in closed:
                continue
            g_new = g[n] + grid[m[0]][m[1]]
            if g_new < g.get(m, math.inf):
                g[m], parent[m] = g_new, n
                tie += 1
                heapq.heappush(queue, (g_new, tie, m))
    return None, math.inf, expanded
'''),
        ("8-connected moves: diagonal steps cut through the wall's corner", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    c_min = cost[torch.isfinite(cost)].min().item()
    grid = cost.tolist()
    h = lambda n: c_min * max(abs(n[0] - goal[0]), abs(n[1] - goal[1]))
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(h(start), 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1], g[n], expanded
        closed.add(n)
        expanded += 1
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                m = (n[0] + dr, n[1] + dc)
                if (dr, dc) == (0, 0) or not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf \\
                        or m in closed:
                    continue
                g_new = g[n] + grid[m[0]][m[1]]
                if g_new < g.get(m, math.inf):
                    g[m], parent[m] = g_new, n
                    tie += 1
                    heapq.heappush(queue, (g_new + h(m), tie, m))
    return None, math.inf, expanded
'''),
        ("the path returned from the goal back to the start", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    c_min = cost[torch.isfinite(cost)].min().item()
    grid = cost.tolist()
    h = lambda n: c_min * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(h(start), 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path, g[n], expanded
        closed.add(n)
        expanded += 1
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            m = (n[0] + dr, n[1] + dc)
            if not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf or m in closed:
                continue
            g_new = g[n] + grid[m[0]][m[1]]
            if g_new < g.get(m, math.inf):
                g[m], parent[m] = g_new, n
                tie += 1
                heapq.heappush(queue, (g_new + h(m), tie, m))
    return None, math.inf, expanded
'''),
    ],
    'driving-heuristic': [
        ("the colleague's bug kept: the mean finite cost as the scale", '''
def make_heuristic(cost, goal):
    scale = cost[torch.isfinite(cost)].mean().item()
    return lambda n: scale * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
'''),
        ("the plain Manhattan distance: overestimates when costs are below 1", '''
def make_heuristic(cost, goal):
    return lambda n: float(abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
'''),
        ("a heuristic of 0: optimal, but it no longer guides the search", '''
def make_heuristic(cost, goal):
    return lambda n: 0.0
'''),
        ("the largest finite cost as the scale", '''
def make_heuristic(cost, goal):
    scale = cost[torch.isfinite(cost)].max().item()
    return lambda n: scale * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
'''),
    ],
}
