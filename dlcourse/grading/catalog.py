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
    'data-fill-missing': Entry(IMPLEMENT, hidden=(
        "random series of several lengths and shares of missing values in float32 and float64, compared with "
        "pandas' fillna and interpolate and with NumPy's interp, plus a single observed value, a series "
        "without gaps and the three errors on other inputs.")),
    'data-outliers-iqr': Entry(IMPLEMENT, hidden=(
        "random 1-D and 2-D data in float32 and float64 with planted outliers and several k (zero included), "
        "compared with NumPy's percentiles and pandas' quantiles, columns on very different scales, and the "
        "errors on other inputs.")),
    'data-random-crop': Entry(IMPLEMENT, hidden=''),
    # 03-training/02-model-selection
    'selection-majority-baseline': Entry(IMPLEMENT, hidden=(
        "many random label sets of random sizes and numbers of classes, compared with scikit-learn's "
        "most-frequent dummy classifier, plain lists, and empty training or evaluation labels.")),
    'selection-count-params': Entry(IMPLEMENT, hidden=''),
    'selection-pick-best': Entry(IMPLEMENT, hidden=(
        "many random score tables with exact ties, equal parameter counts and several tolerances, compared "
        "with a reference, models listed only in n_params, and the three errors on other inputs.")),
    # 03-training/03-backprop
    'backprop-manual-grad': Entry(IMPLEMENT, hidden=(
        "random float64 problems of several sizes (one sample or one feature included), compared with "
        "autograd to a tight tolerance, and other mismatched shapes.")),
    'backprop-ops': Entry(IMPLEMENT, hidden=(
        "random points compared with autograd: a product of a Value with itself and with numbers, integer, "
        "negative and fractional exponents, tanh at large arguments, and other exponents that are not "
        "numbers.")),
    'backprop-backward': Entry(IMPLEMENT, hidden=(
        "many random graphs with shared nodes, whose order and every gradient (leaves, inner nodes and nodes "
        "that do not lead to the root) are compared with autograd, a deep ladder of diamonds, and a single "
        "leaf.")),
    # 03-training/04-optimizers
    'optimizers-sgd-momentum-step': Entry(IMPLEMENT, hidden=(
        "long float64 trajectories on random smooth problems with several parameter shapes, compared with "
        "PyTorch's SGD with and without momentum, Nesterov momentum and weight decay, plus unchanged inputs, "
        "a zero learning rate and the error.")),
    'optimizers-adam-step': Entry(IMPLEMENT, hidden=(
        "long float64 trajectories on random badly scaled problems, compared step by step with PyTorch's Adam"
        " and AdamW (parameters and both moments) for other betas, eps and weight decays, a first step with "
        "eps = 0, and step counters below 1.")),
    'optimizers-cosine-schedule': Entry(IMPLEMENT, hidden=(
        "every step of several other schedules (with and without warm-up, short and long) compared with "
        "PyTorch's linear warm-up and cosine annealing schedulers, steps well past T, and other invalid "
        "arguments.")),
    # 03-training/05-evaluation
    'evaluation-confusion-matrix': Entry(IMPLEMENT, hidden=(
        "random labels of several sizes and numbers of classes, with a class that is never predicted, as "
        "tensors, arrays and lists, compared with scikit-learn, the number of classes inferred from either "
        "input, and other invalid inputs.")),
    'evaluation-precision-recall-f1': Entry(IMPLEMENT, hidden=(
        "random multi-class labels (classes never predicted or never true, labels with gaps) for the macro, "
        "weighted and micro averages, and random binary labels with either positive class, as tensors, arrays"
        " and lists, compared with scikit-learn, and other invalid inputs.")),
    'evaluation-roc-curve': Entry(IMPLEMENT, hidden=(
        "random scores of several sizes with and without ties, as tensors, arrays, lists, bool labels and "
        "float32 scores, compared with scikit-learn, all scores equal, and other invalid inputs.")),
    # 03-training/06-tuning
    'tuning-rbf-kernel': Entry(IMPLEMENT, hidden=(
        "random float64 inputs of other sizes and dimensions with other lengthscales and variances, compared "
        "with scikit-learn's kernels, the gradient with respect to X1 against its closed form, the symmetry "
        "of K(X, X), and other invalid inputs.")),
    'tuning-gp-posterior': Entry(IMPLEMENT, hidden=(
        "random problems of several sizes, dimensions and noise levels, compared with scikit-learn's Gaussian"
        " process regressor, a numerical check of the gradients of the mean and std with respect to K_star "
        "and y, and other mismatched shapes.")),
    'tuning-expected-improvement': Entry(IMPLEMENT, hidden=(
        "random float64 means and stds of several shapes and margins, compared with SciPy's normal "
        "distribution, both gradients against their closed forms, mixed zero and tiny stds, and another "
        "negative std.")),
    # ---------------------------------------- end of 03-training
}
