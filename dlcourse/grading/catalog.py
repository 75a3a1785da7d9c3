"""The course's exercises: what kind each is, and what its hidden tests probe, in words.

``dlcourse check`` prints, per exercise, the points its visible tests cover and ``Entry.hidden``: what
the hidden tests will additionally try when the notebook is graded. That sentence is public (it is the
student's answer to "what else could go wrong?"); the hidden tests themselves stay secret. A hidden test
adds new *inputs* (another shape, dtype, seed, size), never a new *requirement*: every case the prompt
specifies is already in the visible tests (``tests/test_wrong_answers.py`` holds each visible test to
plausible wrong answers).

The kinds of exercise, each graded under the from-scratch rules (``rules.RULES``):

- ``implement``: write a function or layer from its formula and match the built-in;
- ``train``: make a model reach a score on held-out data the notebook never loads, within a time budget;
- ``bug``: repair a training loop or layer with a planted mistake;
- ``gradient``: a backward pass written without autograd, verified by a numerical gradient check;
- ``predict``: commit to a number or a choice first, then check it by running code;
- ``explain``: a short free-text answer graded by hand against a rubric (``book/instructors.md``).

``tests/test_notebook_structure.py`` checks that every exercise of ``solutions/`` is here, and the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass

IMPLEMENT, TRAIN, BUG, GRADIENT, PREDICT, EXPLAIN = "implement", "train", "bug", "gradient", "predict", "explain"
KINDS = {IMPLEMENT: "implement from scratch", TRAIN: "train to a target", BUG: "find the bug",
         GRADIENT: "gradient by hand", PREDICT: "predict, then check", EXPLAIN: "explain (graded by hand)"}


@dataclass(frozen=True)
class Entry:
    kind: str       # one of KINDS
    hidden: str     # what the hidden tests add to the visible ones, in words (empty: no hidden tests)


CATALOG: dict[str, Entry] = {
    # ========== Chapter 01-basics ==========
    # 01-basics/01-network-structure
    'structure-dense-forward': Entry(IMPLEMENT, hidden=''),
    'structure-softmax': Entry(IMPLEMENT, hidden=''),
    'structure-count-parameters': Entry(IMPLEMENT, hidden=''),
    # 01-basics/02-activations
    'activations-derivatives': Entry(IMPLEMENT, hidden=''),
    'activations-grad-norms': Entry(IMPLEMENT, hidden=''),
    'activations-leaky-relu': Entry(IMPLEMENT, hidden=''),
    # 01-basics/03-losses
    'losses-mse': Entry(IMPLEMENT, hidden=''),
    'losses-cross-entropy': Entry(IMPLEMENT, hidden=''),
    'losses-bce': Entry(IMPLEMENT, hidden=''),
    # 01-basics/04-regularization
    'regularization-l1-l2-penalty': Entry(IMPLEMENT, hidden=''),
    'regularization-sgd-step-l2': Entry(IMPLEMENT, hidden=''),
    'regularization-sparsity': Entry(IMPLEMENT, hidden=''),
    # ---------------------------------------- end of 01-basics

    # ========== Chapter 02-model-types ==========
    # 02-model-types/01-fnn
    'fnn-forward': Entry(IMPLEMENT, hidden=''),
    'fnn-count': Entry(IMPLEMENT, hidden=''),
    'fnn-shift': Entry(IMPLEMENT, hidden=''),
    # 02-model-types/02-cnn
    'cnn-conv2d': Entry(IMPLEMENT, hidden=''),
    'cnn-shape': Entry(IMPLEMENT, hidden=''),
    'cnn-maxpool': Entry(IMPLEMENT, hidden=''),
    # 02-model-types/03-rnn
    'rnn-forward': Entry(IMPLEMENT, hidden=''),
    'rnn-lstm-step': Entry(IMPLEMENT, hidden=''),
    'rnn-windows': Entry(IMPLEMENT, hidden=''),
    # 02-model-types/04-gan
    'gan-discriminator-loss': Entry(IMPLEMENT, hidden=''),
    'gan-generator-loss': Entry(IMPLEMENT, hidden=''),
    'gan-modes-covered': Entry(IMPLEMENT, hidden=''),
    # 02-model-types/05-transformer
    'transformer-attention': Entry(IMPLEMENT, hidden=''),
    'transformer-causal-mask': Entry(IMPLEMENT, hidden=''),
    'transformer-heads': Entry(IMPLEMENT, hidden=''),
    # ---------------------------------------- end of 02-model-types

    # ========== Chapter 03-training ==========
    # 03-training/01-data
    'data-fill-missing': Entry(IMPLEMENT, hidden=''),
    'data-outliers-iqr': Entry(IMPLEMENT, hidden=''),
    'data-random-crop': Entry(IMPLEMENT, hidden=''),
    # 03-training/02-model-selection
    'selection-majority-baseline': Entry(IMPLEMENT, hidden=''),
    'selection-count-params': Entry(IMPLEMENT, hidden=''),
    'selection-pick-best': Entry(IMPLEMENT, hidden=''),
    # 03-training/03-backprop
    'backprop-manual-grad': Entry(IMPLEMENT, hidden=''),
    'backprop-ops': Entry(IMPLEMENT, hidden=''),
    'backprop-backward': Entry(IMPLEMENT, hidden=''),
    # 03-training/04-optimizers
    'optimizers-sgd-momentum-step': Entry(IMPLEMENT, hidden=''),
    'optimizers-adam-step': Entry(IMPLEMENT, hidden=''),
    'optimizers-cosine-schedule': Entry(IMPLEMENT, hidden=''),
    # 03-training/05-evaluation
    'evaluation-confusion-matrix': Entry(IMPLEMENT, hidden=''),
    'evaluation-precision-recall-f1': Entry(IMPLEMENT, hidden=''),
    'evaluation-roc-curve': Entry(IMPLEMENT, hidden=''),
    # 03-training/06-tuning
    'tuning-rbf-kernel': Entry(IMPLEMENT, hidden=''),
    'tuning-gp-posterior': Entry(IMPLEMENT, hidden=''),
    'tuning-expected-improvement': Entry(IMPLEMENT, hidden=''),
    # ---------------------------------------- end of 03-training
}
