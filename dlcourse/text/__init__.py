"""Text: two classifiers, corpus BLEU and decoding (greedy and beam search) for sequence models."""

from dlcourse.text.classifiers import BagOfEmbeddings, TransformerClassifier
from dlcourse.text.bleu_score import bleu, brevity_penalty, clipped_counts, ngrams
from dlcourse.text.decoding import beam_search, greedy_search, seq2seq_step, sequence_score

__all__ = ["BagOfEmbeddings", "TransformerClassifier", "beam_search", "bleu", "brevity_penalty", "clipped_counts",
           "greedy_search", "ngrams", "seq2seq_step", "sequence_score"]
