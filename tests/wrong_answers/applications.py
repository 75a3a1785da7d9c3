"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 02-language
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
