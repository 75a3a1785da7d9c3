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
    'structure-dense-forward': Entry(IMPLEMENT, hidden=(
        "other layer sizes in float64, from a single neuron with one input to a batch of sixteen, each "
        "checked for its shape and for its values against PyTorch's sigmoid of the same layer to float64 "
        "precision.")),
    'structure-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed by running a dlcourse MLP(64, [128], 10) on a batch of "
        "32 random images, dlcourse's softmax on shifted random scores and its sigmoid on a wide grid: the "
        "shapes and the choices exactly, the row sum to within 1e-6.")),
    'structure-count-parameters': Entry(IMPLEMENT, hidden=(
        "more architectures, from a single layer to four layers and up to several hundred inputs, each "
        "counted against the parameters of the matching dlcourse MLP.")),
    # 01-basics/02-activations
    'activations-derivatives': Entry(IMPLEMENT, hidden=(
        "random float64 tensors of other shapes (1-D and 3-D) with inputs up to ten thousand in size, against"
        " autograd of PyTorch's sigmoid and tanh, checking dtype, finiteness and the [0, 1/4] range, plus "
        "huge inputs in float32.")),
    'activations-explain': Entry(EXPLAIN, hidden=''),
    'activations-grad-norms': Entry(IMPLEMENT, hidden=(
        "another float64 Sequential mixing both kinds of linear layer, with stale gradients left in every "
        "parameter and a second call, and a ten-layer sigmoid MLP whose first-layer norm must be far below "
        "its last one's.")),
    'activations-backward': Entry(GRADIENT, hidden=(
        "three other sizes in float64, from a single example with one output to a batch of sixteen "
        "digit-sized inputs through 32 hidden units to 10 outputs, with inputs large enough to saturate tanh, "
        "each of the four gradients compared with torch.autograd, and their shapes and dtype.")),
    'activations-leaky-relu': Entry(IMPLEMENT, hidden=(
        "random float64 tensors of three shapes with several slopes, values and autograd gradients against "
        "PyTorch's leaky_relu, the dtype, and the input left unchanged.")),
    # 01-basics/03-losses
    'losses-mse': Entry(IMPLEMENT, hidden=(
        "random float64 inputs of 1-D, 2-D and 3-D shapes with each reduction, values and gradients for both "
        "arguments against PyTorch's mse_loss, and more pairs of mismatched shapes that must raise "
        "ValueError.")),
    'losses-cross-entropy': Entry(IMPLEMENT, hidden=(
        "random float64 logits of several batch and class sizes, including a single sample and logits of "
        "magnitude 1000, values and gradients against PyTorch's cross_entropy, and rows of extreme logits.")),
    'losses-fix-training': Entry(BUG, hidden=(
        "a float64 Sequential of torch.nn.Linear and Tanh layers on random data for six epochs at another "
        "learning rate, and a wider dlcourse MLP on other digits for a single epoch, each compared with a "
        "correct reference loop started from the same weights: every parameter and every recorded loss.")),
    'losses-bce': Entry(IMPLEMENT, hidden=(
        "random float64 logits of 1-D to 3-D shapes with soft targets, and logits of magnitude 100 and 1000 "
        "in float32 and float64, values and gradients against PyTorch's binary_cross_entropy_with_logits.")),
    # 01-basics/04-regularization
    'regularization-l1-l2-penalty': Entry(IMPLEMENT, hidden=(
        "a Sequential of random linear layers and a layer norm (value, gradients of weights and biases, "
        "default strengths), a float64 model with a convolution, and agreement with dlcourse's l1_penalty and"
        " l2_penalty on an MLP.")),
    'regularization-sgd-step-l2': Entry(IMPLEMENT, hidden=(
        "a small ReLU network with real cross-entropy gradients, in float32 and float64, stepped through "
        "model.parameters() and compared with PyTorch's SGD with weight decay 2 * lam, gradients left "
        "unchanged, and a pure decay step with a zero gradient.")),
    'regularization-sparsity': Entry(IMPLEMENT, hidden=(
        "two layers of different sizes pooled together, weights exactly at tol, and a float64 model with a "
        "convolution and a layer norm at several thresholds, including one so large that every weight counts "
        "and one so small that none does.")),
    'regularization-target': Entry(TRAIN, hidden=(
        "another sample of 200 training digits, the returned model scored on the 360 digits of the test "
        "split, which your function never sees, with the same accuracy threshold and time budget.")),
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
