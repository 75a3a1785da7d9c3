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
    'fnn-forward': Entry(IMPLEMENT, hidden=(
        "networks of several depths, from no hidden layer to three, with ReLU, tanh and sigmoid, on float64 inputs"
        " with zero to two batch dimensions, compared with dlcourse's MLP in values and in the gradients for the "
        "input and every weight and bias.")),
    'fnn-count': Entry(IMPLEMENT, hidden=''),
    'fnn-shift': Entry(IMPLEMENT, hidden=(
        "every shift across the whole image in both directions, compared with a pixel-by-pixel reference, on "
        "random square and non-square batches with and without a channel dimension in float32 and float64, plus "
        "the zero shift, shifts larger than the image and an untouched input.")),
    # 02-model-types/02-cnn
    'cnn-conv2d': Entry(IMPLEMENT, hidden=(
        "random float64 images and filters of several sizes, non-square images and a filter as large as the image "
        "included, compared with PyTorch's convolution in values and in the gradients for the image and the "
        "filter.")),
    'cnn-shape': Entry(IMPLEMENT, hidden=(
        "many random configurations (non-square inputs, strides that do not divide the size evenly, filters as "
        "large as the padded input) compared with the shape PyTorch's convolution produces, and the types of the "
        "result.")),
    'cnn-maxpool': Entry(IMPLEMENT, hidden=(
        "random float64 batches of several shapes (more channels, non-square images, window sizes from 1 to 4) "
        "compared with PyTorch's max pooling in values and gradients.")),
    # 02-model-types/03-rnn
    'rnn-forward': Entry(IMPLEMENT, hidden=(
        "new random float64 sequences of several sizes, a single time step and a batch of one included, compared "
        "with PyTorch's RNN in the outputs, the final state and the gradients for the inputs, the initial state "
        "and every parameter.")),
    'rnn-lstm-step': Entry(IMPLEMENT, hidden=(
        "new random float64 inputs of several sizes, down to one sample and one input feature, compared with "
        "PyTorch's LSTMCell in both states and in the gradients for every input and parameter.")),
    'rnn-windows': Entry(IMPLEMENT, hidden=(
        "a longer random float64 series cut with short, medium and the longest possible windows, compared with "
        "PyTorch's unfold, a tiny series with a single window, and the ValueError for a series as long as the "
        "window and a shorter one.")),
    # 02-model-types/04-gan
    'gan-discriminator-loss': Entry(IMPLEMENT, hidden=''),
    'gan-generator-loss': Entry(IMPLEMENT, hidden=''),
    'gan-modes-covered': Entry(IMPLEMENT, hidden=(
        "points placed around none, some or all of a ring of centres mixed with far-away points, thousands of "
        "points on one centre, points just outside the radius, one sample between two close centres, 3-D centres "
        "and an empty set of samples, mostly in float64.")),
    # 02-model-types/05-transformer
    'transformer-attention': Entry(IMPLEMENT, hidden=(
        "new random float64 inputs with up to three batch dimensions, queries and keys of different lengths, full "
        "and broadcast random masks, compared with PyTorch's scaled dot-product attention in values and gradients,"
        " plus very large scores and a mask that lets each query see only its own key.")),
    'transformer-causal-mask': Entry(IMPLEMENT, hidden=(
        "other sizes, a single position included, compared with a lower-triangular mask and, inside PyTorch's "
        "scaled dot-product attention, with its built-in causal option, and a mask created on an explicit CPU "
        "device.")),
    'transformer-heads': Entry(IMPLEMENT, hidden=(
        "new float64 shapes, one head and as many heads as features included, for both round trips, the "
        "ValueError, and a dlcourse MultiHeadAttention whose output is rebuilt from its weights with your split "
        "and merge.")),
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
