"""dlcourse.text.classifiers and dlcourse.data.toylang: the bag of embeddings is the mean of one-hot rows times E
(then W), blind to word order; the Transformer classifier ignores padding and sees order; the generated corpora
follow their grammars."""

import random

import pytest
import torch
import torch.nn.functional as F

from dlcourse.data.toylang import (POSITIVE, REVIEW_KINDS, WordVocab, dialogues, is_review, pad_batch, review, reviews,
                                   translation_pairs)
from dlcourse.text.classifiers import BagOfEmbeddings, TransformerClassifier


def test_bag_is_mean_of_one_hot_times_E_then_linear():
    torch.manual_seed(0)
    model = BagOfEmbeddings(vocab_size=9, d_model=5, num_classes=3, pad=0).double()
    tokens = torch.tensor([[4, 2, 7, 0, 0], [1, 1, 8, 3, 5]])
    one_hot = F.one_hot(tokens, 9).double() * (tokens != 0)[..., None]  # (B, T, V), pad rows zero
    e_bar = one_hot.sum(1) @ model.embed.weight / (tokens != 0).sum(1, keepdim=True)  # (B, V) @ (V, D)
    want = e_bar @ model.out.weight.T + model.out.bias
    assert torch.allclose(model(tokens), want)
    assert torch.allclose(model(tokens[:, [2, 0, 1, 3, 4]]), model(tokens))  # order-blind


def test_transformer_classifier_ignores_padding_and_sees_order():
    torch.manual_seed(0)
    model = TransformerClassifier(vocab_size=9, d_model=8, num_classes=2, nhead=2, num_layers=2, pad=0).double().eval()
    x = torch.tensor([[4, 2, 7]])
    assert torch.allclose(model(x), model(torch.tensor([[4, 2, 7, 0, 0]])))
    assert not torch.allclose(model(x), model(torch.tensor([[7, 2, 4]])))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        model(torch.tensor([4, 2, 7]))


def test_reviews_follow_the_grammar_and_are_balanced():
    sentences, labels, kinds = reviews(800, seed=1)
    assert all(is_review(s) for s in sentences)
    for kind, n in zip(REVIEW_KINDS, [400, 200, 200]):
        ys = [y for y, k in zip(labels.tolist(), kinds) if k == kind]
        assert len(ys) == n and sum(ys) == n // 2
    # the contrast kind: the two labels use the same words in another order
    rng = random.Random(0)
    pos = review(rng, "contrast", 1, subject="the plot")
    assert pos[-4] in POSITIVE and pos[-3:-1] == [",", "not"]
    assert reviews(50, seed=3)[0] == reviews(50, seed=3)[0] != reviews(50, seed=4)[0]
    test = reviews(300, seed=2, exclude=sentences)[0]
    assert not {tuple(s) for s in test} & {tuple(s) for s in sentences}
    with pytest.raises(ValueError, match="outside `exclude`"):
        reviews(1000, seed=0, exclude=reviews(20000, seed=1)[0])
    with pytest.raises(ValueError, match="kind"):
        review(rng, "sarcastic", 1)


def test_translation_pairs():
    pairs = translation_pairs(200, seed=0)
    assert len({tuple(s) for s, _ in pairs}) == 200
    src, tgt = next((s, t) for s, t in pairs if len(s) == 7)  # both noun phrases with an adjective
    assert tgt[-1].endswith("as") and tgt[2].endswith("n") and tgt[3].endswith("n") and not tgt[0].endswith("n")
    assert not is_review(src)


def test_dialogues_and_vocab():
    d = dialogues(20, seed=0)
    for tokens in d:
        q = tokens[tokens.index("how") + 2: tokens.index("?")]
        reply = tokens[tokens.index("bot") + 2: -1]
        assert is_review(reply, subject=" ".join(q)) and not is_review(reply, subject="the nothing")
    vocab = WordVocab.from_corpus(d)
    ids = vocab.encode(d[0], eos=True)
    assert ids[-1] == vocab.EOS and vocab.decode(ids) == d[0]
    batch = pad_batch([ids, ids[:3]])
    assert batch.shape == (2, len(ids)) and (batch[1, 3:] == vocab.PAD).all()
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocab.encode(["zebra"])
