r"""Corpus BLEU (Papineni et al., 2002, "BLEU: a Method for Automatic Evaluation of Machine Translation").

For candidate sentences :math:`c_i`, each with one or more reference sentences :math:`r_{i1}, r_{i2}, \dots`, the
**clipped n-gram precision** counts each n-gram of a candidate at most as often as it occurs in one reference
(the most generous reference for that n-gram), summed over the whole corpus before dividing:

.. math::

    p_n = \frac{\sum_i \sum_{g \in \text{n-grams}(c_i)} \min\big(\mathrm{count}_{c_i}(g),\;
          \max_j \mathrm{count}_{r_{ij}}(g)\big)}{\sum_i \sum_{g \in \text{n-grams}(c_i)} \mathrm{count}_{c_i}(g)} .

With :math:`c = \sum_i |c_i|` the candidates' total length and :math:`r = \sum_i |r_i^*|` the total length of the
references closest in length to each candidate (the first of them on a tie, as torchmetrics), the **brevity
penalty** and the score are

.. math::

    \mathrm{BP} = \begin{cases} 1 & c > r \\ e^{1 - r/c} & c \le r \end{cases}, \qquad
    \mathrm{BLEU} = \mathrm{BP} \cdot \exp\Big(\sum_{n=1}^{N} \tfrac{1}{N} \log p_n\Big),

the geometric mean of :math:`p_1 \dots p_N` (N = ``max_n``, 4 in the paper) times the penalty. Clipping stops
"the the the the" from scoring; the penalty stops a short, safe candidate from scoring (precision alone
rewards saying little). A corpus with no matching n-gram of some order scores 0 (no smoothing).

Shapes (no tensors): ``candidates`` a list of N token lists; ``references`` a list of N lists, each holding one or
more token lists. Returns a Python float in [0, 1]. Equal to ``torchmetrics.text.BLEUScore(n_gram=max_n)`` fed the
same tokens joined by spaces (``tests/test_text_bleu.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence


def ngrams(tokens: Sequence[str], n: int) -> Counter:
    """The n-grams of a token list with their counts: ``ngrams("a b a b".split(), 2)`` counts ("a", "b") twice.

    >>> sorted(ngrams(["a", "b", "a", "b"], 2).items())
    [(('a', 'b'), 2), (('b', 'a'), 1)]
    """
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _check(candidates: Sequence[Sequence[str]], references: Sequence[Sequence[Sequence[str]]], max_n: int) -> None:
    if len(candidates) != len(references) or len(candidates) == 0:
        raise ValueError(f"expected as many reference lists as candidates (at least one), got {len(candidates)} "
                         f"candidates and {len(references)} reference lists")
    if max_n < 1:
        raise ValueError(f"max_n must be >= 1, got {max_n}")
    for i, (cand, refs) in enumerate(zip(candidates, references)):
        if isinstance(cand, str) or not refs or any(isinstance(r, str) for r in refs):
            raise ValueError(f"candidate {i}: expected a token list and a non-empty list of token lists; split "
                             f"sentences into tokens first, e.g. sentence.split(), and wrap one reference as [ref]")


def clipped_counts(candidates: Sequence[Sequence[str]], references: Sequence[Sequence[Sequence[str]]],
                   max_n: int = 4) -> tuple[list[int], list[int]]:
    r"""The numerators and denominators of :math:`p_1 \dots p_N` over the corpus: two lists of N ints."""
    matched, total = [0] * max_n, [0] * max_n
    for cand, refs in zip(candidates, references):
        for n in range(1, max_n + 1):
            counts = ngrams(cand, n)
            best_ref: Counter = Counter()
            for ref in refs:
                best_ref |= ngrams(ref, n)  # the largest count of each n-gram in any one reference
            matched[n - 1] += sum(min(k, best_ref[g]) for g, k in counts.items())  # clipped
            total[n - 1] += sum(counts.values())
    return matched, total


def brevity_penalty(c: int, r: int) -> float:
    r""":math:`1` if the candidates are longer than the references (c > r), else :math:`e^{1 - r/c}`."""
    if c > r:
        return 1.0
    return math.exp(1 - r / c) if c > 0 else 0.0


def bleu(candidates: Sequence[Sequence[str]], references: Sequence[Sequence[Sequence[str]]], max_n: int = 4) -> float:
    r"""Corpus BLEU: :math:`\mathrm{BP} \cdot \exp(\frac{1}{N}\sum_n \log p_n)` with clipped n-gram precisions.

    >>> bleu([["the", "cat", "sat"]], [[["the", "cat", "sat"]]], max_n=3)  # identical: every precision 1
    1.0
    >>> bleu([["the"] * 7], [["the cat is on the mat".split(), "there is a cat on the mat".split()]], max_n=1)
    0.2857142857142857
    """
    _check(candidates, references, max_n)
    matched, total = clipped_counts(candidates, references, max_n)
    if min(matched) == 0:
        return 0.0  # log 0: a corpus without a single matching n-gram of some order scores 0
    c = sum(len(cand) for cand in candidates)
    r = 0
    for cand, refs in zip(candidates, references):
        r += min((len(ref) for ref in refs), key=lambda length: abs(length - len(cand)))  # first closest length
    log_p = sum(math.log(m / t) for m, t in zip(matched, total)) / max_n  # mean of log p_n
    return brevity_penalty(c, r) * math.exp(log_p)
