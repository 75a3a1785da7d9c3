"""A public-domain English text shipped with the package, for character-level language models.

``tinyshakespeare.txt`` holds the first 300,174 characters (62 distinct ones) of the "tiny Shakespeare" file of
Andrej Karpathy's char-rnn repository (github.com/karpathy/char-rnn, ``data/tinyshakespeare/input.txt``): speeches
from Shakespeare's plays, which are in the public domain. Nothing is downloaded.

Shapes:
    ``encode`` turns a string of N characters into a (N,) long tensor of indices into ``vocab``;
    ``decode`` turns a (N,) tensor or a list of N indices back into the string.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

TEXT_FILE = Path(__file__).with_name("tinyshakespeare.txt")


def load_shakespeare(n_chars: int | None = None) -> str:
    """The shipped text, or its first ``n_chars`` characters."""
    text = TEXT_FILE.read_text(encoding="utf-8")
    if n_chars is not None:
        if n_chars < 1:
            raise ValueError(f"n_chars must be positive, got {n_chars}")
        text = text[:n_chars]
    return text


@dataclass(frozen=True)
class CharVocab:
    """The sorted distinct characters of a text; index i is the token of ``chars[i]``."""

    chars: str

    @classmethod
    def from_text(cls, text: str) -> "CharVocab":
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> Tensor:
        index = {c: i for i, c in enumerate(self.chars)}
        unknown = sorted(set(text) - set(index))
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return torch.tensor([index[c] for c in text], dtype=torch.long)  # (N,)

    def decode(self, tokens: Tensor | list[int]) -> str:
        ids = tokens.tolist() if isinstance(tokens, Tensor) else list(tokens)
        if any(not 0 <= i < len(self.chars) for i in ids):
            raise ValueError(f"token ids must lie in [0, {len(self.chars)})")
        return "".join(self.chars[i] for i in ids)
