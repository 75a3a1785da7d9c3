"""dlcourse.text.bleu against torchmetrics' BLEUScore (the same tokens joined by spaces): random token corpora with
one to three references, max_n 1 to 4, the worked examples of Papineni et al. (2002), and the edge cases."""

import random

import pytest
import torch
from torchmetrics.text import BLEUScore

from dlcourse.text.bleu_score import bleu, brevity_penalty, clipped_counts, ngrams


def torchmetrics_bleu(candidates, references, max_n=4):
    metric = BLEUScore(n_gram=max_n)
    return metric([" ".join(c) for c in candidates], [[" ".join(r) for r in refs] for refs in references]).item()


def random_corpus(rng, n, vocab, n_refs):
    words = [f"w{i}" for i in range(vocab)]

    def sentence():
        return [rng.choice(words) for _ in range(rng.randint(1, 12))]

    cands = [sentence() for _ in range(n)]
    refs = [[sentence() for _ in range(rng.randint(1, n_refs))] for _ in range(n)]
    for c, rs in zip(cands, refs):  # share some n-grams, so that most scores are not 0
        if rng.random() < 0.7:
            rs[0] = c[: rng.randint(1, len(c))] + rs[0]
    return cands, refs


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("max_n", [1, 2, 4])
def test_equals_torchmetrics_on_random_corpora(seed, max_n):
    rng = random.Random(seed)
    cands, refs = random_corpus(rng, rng.randint(1, 20), vocab=rng.choice([3, 6, 20]), n_refs=3)
    ours, theirs = bleu(cands, refs, max_n=max_n), torchmetrics_bleu(cands, refs, max_n=max_n)
    assert isinstance(ours, float)
    assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-7)


def test_some_random_corpora_score_above_zero():  # the comparison above is not only 0 == 0
    scores = [bleu(*random_corpus(random.Random(s), 10, 3, 2), max_n=2) for s in range(12)]
    assert sum(s > 0.05 for s in scores) >= 6


# Papineni et al. (2002), section 2.1, Example 1 (lower case, the final period a token)
REFS_1 = [
    "it is a guide to action that ensures that the military will forever heed party commands .".split(),
    "it is the guiding principle which guarantees the military forces always being under the command of the party "
    ".".split(),
    "it is the practical guide for the army always to heed the directions of the party .".split(),
]
CAND_1 = "it is a guide to action which ensures that the military always obeys the commands of the party .".split()
CAND_2 = "it is to insure the troops forever hearing the activity guidebook that party direct .".split()


def test_paper_worked_example():
    assert bleu([CAND_1], [REFS_1]) == pytest.approx(torchmetrics_bleu([CAND_1], [REFS_1]), rel=1e-6)
    assert bleu([CAND_1], [REFS_1]) > bleu([CAND_2], [REFS_1], max_n=1) > 0  # candidate 1 is the better one
    # the paper's modified unigram precision: "the" seven times against the two references of Example 2
    the7 = ["the"] * 7
    refs2 = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
    assert clipped_counts([the7], [refs2], max_n=1) == ([2], [7])
    assert bleu([the7], [refs2], max_n=1) == pytest.approx(2 / 7)
    assert bleu([the7], [refs2], max_n=1) == pytest.approx(torchmetrics_bleu([the7], [refs2], 1))


def test_corpus_level_is_not_the_mean_of_sentence_scores():
    cands, refs = [CAND_1, CAND_2], [REFS_1, REFS_1]
    corpus = bleu(cands, refs, max_n=2)
    mean = (bleu([CAND_1], [REFS_1], max_n=2) + bleu([CAND_2], [REFS_1], max_n=2)) / 2
    assert corpus == pytest.approx(torchmetrics_bleu(cands, refs, 2), rel=1e-6)
    assert abs(corpus - mean) > 1e-3


def test_brevity_penalty_and_identity():
    ref = "a b c d e f g h".split()
    assert bleu([ref], [[ref]]) == 1.0
    short = ref[:4]  # every n-gram matches, but 4 of 8 words
    assert bleu([short], [[ref]]) == pytest.approx(torch.tensor(1 - 8 / 4).exp().item())
    assert brevity_penalty(9, 8) == 1.0 and brevity_penalty(8, 8) == 1.0 and brevity_penalty(0, 3) == 0.0
    # the closest reference length counts: 4 words against references of 4 and 8 words -> no penalty
    assert bleu([short], [[ref, short]]) == 1.0


def test_no_match_scores_zero():
    assert bleu([["x", "y"]], [[["a", "b"]]]) == 0.0 == torchmetrics_bleu([["x", "y"]], [[["a", "b"]]])
    assert bleu([["a"]], [[["a", "b"]]], max_n=2) == 0.0  # no bigram at all


def test_ngrams():
    assert ngrams("a b a b".split(), 2) == {("a", "b"): 2, ("b", "a"): 1}
    assert ngrams(["a"], 2) == {}


def test_errors():
    with pytest.raises(ValueError, match="as many reference lists"):
        bleu([["a"]], [])
    with pytest.raises(ValueError, match="token list"):
        bleu(["a b"], [[["a", "b"]]])
    with pytest.raises(ValueError, match="wrap one reference"):
        bleu([["a"]], [["a", "b"]])
    with pytest.raises(ValueError, match="max_n"):
        bleu([["a"]], [[["a"]]], max_n=0)
