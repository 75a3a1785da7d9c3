"""dlcourse.text.decoding: beam search against exhaustive search over every hypothesis of a tiny vocabulary, against
greedy search at beam size 1, and its length normalisation; the step of a Seq2SeqTransformer against greedy_decode."""

import itertools
import math

import pytest
import torch

from dlcourse.nn import Seq2SeqTransformer, greedy_decode
from dlcourse.text.decoding import beam_search, greedy_search, seq2seq_step, sequence_score

EOS, BOS = 0, 3  # tokens 0..2 can be generated (V = 3 plus BOS, which the model never gives probability)


def random_model(seed, V=4, order=2):
    """A random model of order `order`: log p(next | last `order` tokens), a table indexed by the context."""
    g = torch.Generator().manual_seed(seed)
    logits = 3 * torch.randn((V,) * order + (V,), generator=g, dtype=torch.float64)
    logits[..., BOS] = -math.inf  # BOS is never generated
    table = torch.log_softmax(logits, dim=-1)

    def step(prefixes):  # (K, t) -> (K, V)
        ctx = prefixes[:, -order:]
        if ctx.shape[1] < order:  # pad the context on the left with BOS
            ctx = torch.cat([torch.full((len(ctx), order - ctx.shape[1]), BOS), ctx], dim=1)
        return table[tuple(ctx.T)]

    return step


def exhaustive(step, max_len, alpha):
    """The best of every hypothesis: ending with EOS within max_len tokens, or max_len tokens without EOS."""
    best = None
    for n in range(1, max_len + 1):
        for body in itertools.product([1, 2], repeat=n - 1):
            for last in ([0] if n < max_len else [0, 1, 2]):
                y = [*body, last]
                s = sequence_score(step, BOS, y, alpha)
                if best is None or s > best[1] + 1e-12:
                    best = (y, s)
    return best


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_wide_beam_is_exhaustive_search(seed, alpha):
    step, max_len = random_model(seed), 4
    tokens, score = beam_search(step, BOS, EOS, beam_size=4**max_len, max_len=max_len, alpha=alpha)
    want_tokens, want_score = exhaustive(step, max_len, alpha)
    assert score == pytest.approx(want_score, abs=1e-9)
    assert tokens == want_tokens
    assert sequence_score(step, BOS, tokens, alpha) == pytest.approx(score, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_beam_of_one_is_greedy(seed):
    step = random_model(seed)
    (tokens, score), (want, want_score) = beam_search(step, BOS, EOS, 1, max_len=6), greedy_search(step, BOS, EOS, 6)
    assert tokens == want and score == pytest.approx(want_score)


def test_wider_beams_never_score_worse_than_greedy_on_average_and_sometimes_better():
    gains = []
    for seed in range(20):
        step = random_model(seed)
        g = greedy_search(step, BOS, EOS, 5)[1]
        b = beam_search(step, BOS, EOS, beam_size=3, max_len=5)[1]
        gains.append(b - g)
    assert min(gains) >= -1e-12 and max(gains) > 0  # both can fail: the beam finds better hypotheses here


def test_length_normalisation_changes_the_choice():
    # EOS at once has p = 0.4; "1 1 ... EOS" has higher per-token probability but a lower product
    table = torch.tensor([[1.0, 0, 0, 0], [0.3, 0.7, 0, 0], [1, 0, 0, 0], [0.4, 0.6, 0, 0]]).log()

    def step(prefixes):
        return table[prefixes[:, -1]]

    assert beam_search(step, BOS, EOS, beam_size=4, max_len=5, alpha=0.0)[0] == [0]
    assert beam_search(step, BOS, EOS, beam_size=4, max_len=5, alpha=1.0)[0] != [0]


def test_seq2seq_step_beam_of_one_equals_greedy_decode():
    torch.manual_seed(0)
    model = Seq2SeqTransformer(src_vocab=7, tgt_vocab=6, d_model=16, nhead=2, num_layers=1, max_len=12).eval()
    src = torch.tensor([4, 5, 6, 3, 0])  # the last token is padding (pad = 0)
    want = greedy_decode(model, src[None], max_len=8, bos=1, eos=2, pad=0)[0].tolist()
    got, _ = beam_search(seq2seq_step(model, src, pad=0), bos=1, eos=2, beam_size=1, max_len=8)
    assert got == want[: len(got)] and (got[-1] == 2 or len(got) == 8)


def test_errors():
    step = random_model(0)
    with pytest.raises(ValueError, match="beam_size >= 1"):
        beam_search(step, BOS, EOS, beam_size=0, max_len=3)
    with pytest.raises(ValueError, match="max_len >= 1"):
        greedy_search(step, BOS, EOS, max_len=0)
    with pytest.raises(ValueError, match=r"\(K, V\)"):
        beam_search(lambda p: torch.zeros(5), BOS, EOS, beam_size=2, max_len=3)
    with pytest.raises(ValueError, match=r"shape \(S,\)"):
        seq2seq_step(Seq2SeqTransformer(5, 5, d_model=8, nhead=2, num_layers=1), torch.zeros(1, 3, dtype=torch.long), 0)
