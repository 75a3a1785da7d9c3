"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
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
}
