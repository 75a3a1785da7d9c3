"""The shipped text and its character vocabulary."""

import pytest
import torch

from dlcourse.data import CharVocab, load_shakespeare


def test_text_ships_with_the_package_and_round_trips():
    text = load_shakespeare()
    assert len(text) == 300_174 and text.startswith("First Citizen:")
    vocab = CharVocab.from_text(text)
    assert len(vocab) == 62 and vocab.chars == "".join(sorted(vocab.chars))
    tokens = vocab.encode(text[:1000])
    assert tokens.dtype == torch.long and tokens.shape == (1000,)
    assert vocab.decode(tokens) == text[:1000] and vocab.decode(tokens.tolist()) == text[:1000]
    assert load_shakespeare(50) == text[:50]


def test_bad_input_is_refused_with_a_clear_error():
    vocab = CharVocab.from_text("abc")
    with pytest.raises(ValueError, match="not in the vocabulary: 'xz'"):
        vocab.encode("abzx")
    with pytest.raises(ValueError, match=r"token ids must lie in \[0, 3\)"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match="n_chars must be positive"):
        load_shakespeare(0)
