r"""Greedy and beam-search decoding of an autoregressive model, with length normalisation.

A decoder gives :math:`\log p(y_t \mid y_{<t}, x)` for every next token. A hypothesis :math:`y = (y_1, \dots, y_n)`
(ending with EOS, or cut at ``max_len`` tokens) is scored by its log-probability, optionally divided by its length
to the power :math:`\alpha` (Wu et al., 2016, use a smoothed variant of this penalty):

.. math::

    s(y) = \frac{1}{n^\alpha} \sum_{t=1}^{n} \log p(y_t \mid y_{<t}, x) .

Without it (:math:`\alpha = 0`) every extra token adds a negative term, so search prefers short outputs.
**Greedy** search appends the single most likely token at every step. **Beam search** keeps the k best prefixes
(by their summed log-probability): at every step each of the k prefixes is extended by each of the V tokens, and the
k best of those k V extensions are kept; one that ends with EOS is finished and leaves the beam, which then goes on
with fewer prefixes. Search stops when the beam is empty or after ``max_len`` tokens (unfinished prefixes then
count as hypotheses too), and returns the finished hypothesis of highest :math:`s(y)`. With k = 1 this is greedy
search; with k at least the number of all prefixes (:math:`V^{\text{max\_len}}`) nothing is ever pruned and it is
exhaustive search (``tests/test_text_decoding.py`` checks both).

Shapes:
    V vocabulary size, K the prefixes in the beam (K <= k), t the prefix length (BOS included).
    ``step``: a function from prefixes (K, t) long to next-token log-probabilities (K, V);
    results: a list of generated token ids (BOS excluded, the EOS included when one was produced) and its score.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

Step = Callable[[Tensor], Tensor]  # prefixes (K, t) -> log-probabilities of the next token (K, V)


def _normalised(log_prob: float, length: int, alpha: float) -> float:
    return log_prob / max(length, 1) ** alpha  # s(y) = log p(y) / n^alpha


def _check(bos: int, eos: int, max_len: int, beam_size: int = 1, alpha: float = 0.0) -> None:
    if max_len < 1 or beam_size < 1 or alpha < 0:
        raise ValueError(f"expected max_len >= 1, beam_size >= 1 and alpha >= 0, got {max_len}, {beam_size} and "
                         f"{alpha}")
    if bos < 0 or eos < 0:
        raise ValueError(f"bos and eos must be token ids >= 0, got {bos} and {eos}")


def _log_probs(step: Step, prefixes: Tensor) -> Tensor:
    out = step(prefixes)  # (K, V)
    if out.dim() != 2 or out.shape[0] != prefixes.shape[0]:
        raise ValueError(f"step must map prefixes (K, t) to log-probabilities (K, V), got {tuple(out.shape)} for "
                         f"{tuple(prefixes.shape)} prefixes")
    return out.detach().double()


@torch.no_grad()
def sequence_score(step: Step, bos: int, tokens: list[int], alpha: float = 0.0) -> float:
    r"""The score :math:`s(y)` of a given token list y (BOS excluded) under ``step``."""
    prefix = torch.tensor([[bos, *tokens]], dtype=torch.long)  # (1, 1 + n)
    total = 0.0
    for t, token in enumerate(tokens):
        total += _log_probs(step, prefix[:, : t + 1])[0, token].item()  # log p(y_t | y_<t)
    return _normalised(total, len(tokens), alpha)


@torch.no_grad()
def greedy_search(step: Step, bos: int, eos: int, max_len: int, alpha: float = 0.0) -> tuple[list[int], float]:
    r"""Append :math:`\arg\max_v \log p(v \mid y_{<t}, x)` until EOS or ``max_len`` tokens; returns (tokens, s(y))."""
    _check(bos, eos, max_len, alpha=alpha)
    tokens, total = [], 0.0
    for _ in range(max_len):
        log_p = _log_probs(step, torch.tensor([[bos, *tokens]], dtype=torch.long))[0]  # (V,)
        token = int(log_p.argmax())
        tokens.append(token)
        total += log_p[token].item()
        if token == eos:
            break
    return tokens, _normalised(total, len(tokens), alpha)


@torch.no_grad()
def beam_search(step: Step, bos: int, eos: int, beam_size: int, max_len: int,
                alpha: float = 0.0) -> tuple[list[int], float]:
    r"""Beam search of width k = ``beam_size``; returns the best hypothesis by :math:`s(y)` and its score.

    >>> # tokens 0 = EOS, 1 = "a", 2 = "b", 3 = BOS; a first-order Markov model p(next | last)
    >>> table = torch.tensor([[1.0, 0, 0, 0], [0.4, 0.3, 0.3, 0], [0.99, 0.005, 0.005, 0], [0, 0.55, 0.45, 0]])
    >>> step = lambda prefixes: table[prefixes[:, -1]].log()  # (K, t) -> (K, V)
    >>> greedy_search(step, bos=3, eos=0, max_len=4)[0]  # a (0.55), then EOS (0.4): p = 0.22
    [1, 0]
    >>> beam_search(step, bos=3, eos=0, beam_size=2, max_len=4)[0]  # b (0.45), then EOS (0.99): p = 0.45
    [2, 0]
    """
    _check(bos, eos, max_len, beam_size, alpha)
    prefixes = torch.full((1, 1), bos, dtype=torch.long)  # (K, t): the beam, BOS first
    log_p = torch.zeros(1, dtype=torch.float64)  # (K,) summed log-probability of each prefix
    finished: list[tuple[float, list[int]]] = []  # (s(y), tokens) of hypotheses that ended with EOS
    for t in range(1, max_len + 1):
        scores = log_p[:, None] + _log_probs(step, prefixes)  # (K, 1) + (K, V) -> (K, V)
        V = scores.shape[1]
        best = scores.flatten().topk(min(beam_size, scores.numel()))  # the k best of the K V extensions
        rows, tokens = best.indices // V, best.indices % V  # (k,) which prefix, which token
        extended = torch.cat([prefixes[rows], tokens[:, None]], dim=1)  # (k, t + 1)
        done = tokens == eos  # (k,) finished: they leave the beam
        for seq, score in zip(extended[done].tolist(), best.values[done].tolist()):
            finished.append((_normalised(score, t, alpha), seq[1:]))
        prefixes, log_p = extended[~done], best.values[~done]  # the beam goes on with the unfinished ones
        if len(prefixes) == 0:
            break
    for seq, score in zip(prefixes.tolist(), log_p.tolist()):  # cut at max_len: hypotheses too
        if len(seq) == max_len + 1:
            finished.append((_normalised(score, max_len, alpha), seq[1:]))
    score, tokens = max(finished, key=lambda item: item[0])  # the first of equal scores
    return tokens, score


def seq2seq_step(model: torch.nn.Module, src: Tensor, pad: int) -> Step:
    """The ``step`` of an encoder-decoder (``dlcourse.nn.Seq2SeqTransformer``) for one source sentence src (S,).

    The source is encoded once; each call decodes the K prefixes against copies of its memory (K, S, D).
    """
    if src.dim() != 1:
        raise ValueError(f"expected one source sentence of shape (S,), got {tuple(src.shape)}")
    src = src[None]  # (1, S)
    padding = src == pad  # (1, S)
    with torch.no_grad():
        memory = model.encode(src, padding)  # (1, S, D)

    def step(prefixes: Tensor) -> Tensor:
        K = prefixes.shape[0]
        logits = model.decode(prefixes.to(memory.device), memory.expand(K, -1, -1), padding.expand(K, -1))  # (K, t, V)
        return torch.log_softmax(logits[:, -1].double(), dim=-1).cpu()  # (K, V) the last position

    return step
