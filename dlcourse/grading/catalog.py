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
    # ========== Chapter 00-introduction ==========
    # 00-introduction/01-what-is-deep-learning
    'deep-features': Entry(IMPLEMENT, hidden=(
        "random float32 and float64 points of other sizes, a single point among them, against a reference "
        "that stacks x1, x2 and x1^2 + x2^2, and two more wrong shapes that must raise ValueError.")),
    'deep-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed by training the three models on another sample of 300 "
        "points of two circles and testing them on 600 fresh points: the band of each accuracy exactly.")),
    # 00-introduction/02-pytorch-preliminaries
    'pytorch-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed by evaluating the six expressions: every shape, and "
        "every error, exactly.")),
    'pytorch-pairwise': Entry(IMPLEMENT, hidden=(
        "random float64 inputs of other sizes, a single point, one feature and 64 features among them, against "
        "cdist squared, and three more pairs of shapes that must raise ValueError.")),
    'pytorch-explain': Entry(EXPLAIN, hidden=''),
    'pytorch-gradient': Entry(GRADIENT, hidden=(
        "three other sizes in float64, from D = 1 to D = 50 with larger entries, both gradients compared with "
        "autograd, and their shapes and dtype.")),
    'pytorch-fix-loop': Entry(BUG, hidden=(
        "a float64 linear model with five features on other data for seven epochs, and the lesson's data for "
        "one and for twelve epochs at other learning rates, each compared with a correct reference loop "
        "started from the same weights: every parameter and every recorded loss.")),
    'pytorch-target': Entry(TRAIN, hidden=(
        "200 training examples from the same generator with other true weights and another seed, scored on "
        "2,000 fresh examples with the same threshold of 0.3 and the same budget of 10 seconds.")),
    # ---------------------------------------- end of 00-introduction

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
    # 01-basics/05-dropout-early-stopping
    'dropout-inverted': Entry(IMPLEMENT, hidden=(
        "other shapes (1-D to 4-D) and probabilities, float32 and float64 inputs with negative entries, "
        "the drop rate and the mean over a large tensor, independence across rows and columns, the gradient "
        "mask / (1 - p), evaluation mode and p = 0 returning the input, p = 1 and fresh generators.")),
    'dropout-explain': Entry(EXPLAIN, hidden=''),
    'early-stopping-epochs': Entry(IMPLEMENT, hidden=(
        "random loss curves of 1 to 300 epochs with plateaus, ties and late improvements, patience from 1 "
        "to 30, compared with dlcourse's EarlyStopping, and Python ints returned.")),
    # ---------------------------------------- end of 01-basics

    # ========== Chapter 02-model-types ==========
    # 02-model-types/01-fnn
    'fnn-forward': Entry(IMPLEMENT, hidden=(
        "networks of several depths, from no hidden layer to three, with ReLU, tanh and sigmoid, on float64 inputs"
        " with zero to two batch dimensions, compared with dlcourse's MLP in values and in the gradients for the "
        "input and every weight and bias.")),
    'fnn-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth computed in the grader: the network run on such an input, the two "
        "linear layers compared with one layer built from their weights, a fresh FNN trained on another split "
        "of the digits and scored on its test images shifted by one pixel, and the two networks' parameter "
        "counts.")),
    'fnn-shift': Entry(IMPLEMENT, hidden=(
        "every shift across the whole image in both directions, compared with a pixel-by-pixel reference, on "
        "random square and non-square batches with and without a channel dimension in float32 and float64, plus "
        "the zero shift, shifts larger than the image and an untouched input.")),
    # 02-model-types/02-cnn
    'cnn-conv2d': Entry(IMPLEMENT, hidden=(
        "random float64 images and filters of several sizes, non-square images and a filter as large as the image "
        "included, compared with PyTorch's convolution in values and in the gradients for the image and the "
        "filter.")),
    'cnn-backward': Entry(GRADIENT, hidden=(
        "random float64 batches of several shapes (one sample, one channel, a 1×1 filter, a filter as large "
        "as the image, non-square images), both gradients compared with autograd through PyTorch's "
        "convolution, and a float32 batch.")),
    'cnn-shape': Entry(IMPLEMENT, hidden=(
        "many random configurations (non-square inputs, strides that do not divide the size evenly, filters as "
        "large as the padded input) compared with the shape PyTorch's convolution produces, and the types of the "
        "result.")),
    'cnn-maxpool': Entry(IMPLEMENT, hidden=(
        "random float64 batches of several shapes (more channels, non-square images, window sizes from 1 to 4) "
        "compared with PyTorch's max pooling in values and gradients.")),
    'cnn-explain': Entry(EXPLAIN, hidden=''),
    'cnn-target': Entry(TRAIN, hidden=(
        "training on another sample of 1000 images of the training split, then scoring the test split, which "
        "the notebook never looks at, each image shifted by up to two pixels with a generator only the grader "
        "knows, against the same 90 % threshold and 30 s budget.")),
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
    'gan-fix-step': Entry(BUG, hidden=(
        "other generators and discriminators (sizes, activations) in float64, plain SGD with other learning "
        "rates and weight decay, leftover gradients in both players, and the parameters of both players and "
        "the returned losses after one and after three steps, compared with dlcourse's train_step.")),
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
    # 02-model-types/08-vae
    'vae-gaussian-kl': Entry(IMPLEMENT, hidden=(
        "random float64 means and log-variances of other shapes (one example with one latent dimension, 1-D and "
        "3-D inputs, 16 latent dimensions), spread wide and with log-variances down to -30, compared with "
        "torch.distributions' KL in values and gradients, and a float32 input.")),
    'vae-kl-grad': Entry(GRADIENT, hidden=(
        "random float64 batches of other sizes (a single example, one latent dimension, ten dimensions) with "
        "large means and log-variances from -6 to 4, both gradients compared with autograd through "
        "torch.distributions' KL, inputs left unchanged, and a float32 batch.")),
    'vae-explain': Entry(EXPLAIN, hidden=''),
    # 02-model-types/06-transformer-decoder
    'decoder-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed in the grader: the causal attention weights over five "
        "positions, a dlcourse MultiHeadAttention called as cross-attention with 5 queries and 7 memory positions, "
        "and a decoder layer whose last target position and last memory position are changed.")),
    'decoder-greedy': Entry(IMPLEMENT, hidden=(
        "five other untrained models (sizes, one and two layers, pre-norm, one whose rows all write the same "
        "token), other ids for <bos>, <eos> and <pad>, padded sources of random lengths and max_len from 1 to 12, "
        "compared token by token with dlcourse's greedy_decode.")),
    'decoder-fix-step': Entry(BUG, hidden=(
        "three other float64 models (sizes, one and two layers, pre-norm) with SGD at other learning rates, with "
        "and without weight decay, other token ids, sources and targets padded to random lengths, leftover gradients, "
        "and the returned losses and all parameters after one and after three steps, compared with a step built "
        "on dlcourse's teacher_forcing_loss.")),
    # 02-model-types/07-residual-networks
    'residual-forward': Entry(IMPLEMENT, hidden=(
        "new random float64 blocks and images (a single image, one input channel, up to 16 output channels, "
        "identity and projection shortcuts, odd and non-square sizes) compared with dlcourse's ResidualBlock in "
        "training mode, in values and in the gradients for the input and every parameter, and a float32 block.")),
    'residual-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth computed in the grader: the block run on such an input, its "
        "parameters counted, and the kind of shortcut the other block has.")),
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
    'data-fix-leakage': Entry(BUG, hidden=(
        "random float32 and float64 tables of other sizes, widths and validation fractions split with other "
        "generators, checked for disjoint parts that together hold every row, labels that stay with their rows, "
        "statistics and standardised features against a reference computed from the training rows, and "
        "independence from torch's global random state.")),
    # 03-training/02-model-selection
    'selection-majority-baseline': Entry(IMPLEMENT, hidden=(
        "many random label sets of random sizes and numbers of classes, compared with scikit-learn's "
        "most-frequent dummy classifier, plain lists, and empty training or evaluation labels.")),
    'selection-predict': Entry(PREDICT, hidden=(
        "each of the four predictions against the truth, recomputed in the grader from the lesson's "
        "polynomial_curves: the curve with the largest gap between validation and training error, the one "
        "with the highest training error, the one with the lowest validation error, and the degree-15 "
        "training error against the noise variance.")),
    'selection-pick-best': Entry(IMPLEMENT, hidden=(
        "many random score tables with exact ties, equal parameter counts and several tolerances, compared "
        "with a reference, models listed only in n_params, and the three errors on other inputs.")),
    'selection-kfold': Entry(IMPLEMENT, hidden=(
        "many other sample counts and numbers of folds (from two samples to a few hundred, leave-one-out "
        "included), every training and validation fold compared index for index with scikit-learn's KFold, "
        "and other invalid numbers of folds.")),
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
    'backprop-batchnorm': Entry(GRADIENT, hidden=(
        "larger random float64 batches of several shapes (two rows, one feature, a batch of sixty-four) with "
        "other eps, compared with torch.autograd through PyTorch's batch_norm in training mode, plus float32 "
        "inputs and inputs left unchanged.")),
    # 03-training/04-optimizers
    'optimizers-sgd-momentum-step': Entry(IMPLEMENT, hidden=(
        "long float64 trajectories on random smooth problems with several parameter shapes, compared with "
        "PyTorch's SGD with and without momentum, Nesterov momentum and weight decay, plus unchanged inputs, "
        "a zero learning rate and the error.")),
    'optimizers-rmsprop-step': Entry(IMPLEMENT, hidden=(
        "long float64 trajectories on random badly scaled problems of other shapes (up to 3-D), compared step by "
        "step with PyTorch's RMSprop (parameters and the moving average) for other learning rates, smoothing "
        "constants (0 to 0.999), eps and weight decays, a first step with eps = 0, and other invalid smoothing "
        "constants.")),
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
    'evaluation-explain': Entry(EXPLAIN, hidden=''),
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
    'tuning-target': Entry(TRAIN, hidden=(
        "the configuration checked again, then two trainings from it in the grader's process with other "
        "generators, each scored on the digits test split, which the exercise never uses, against the same "
        "accuracy threshold and time budget.")),
    # 03-training/07-initialization-normalization
    'initialization-kaiming-normal': Entry(IMPLEMENT, hidden=(
        "other weight shapes (one input or one output, 1-D, 1x1 and 3-D kernels, a 200 x 300 layer) in both "
        "modes in float32 and float64, compared with PyTorch's kaiming_normal_ from a generator in the same "
        "state, the generator's state afterwards, and the sample mean and std of a 512 x 256 weight.")),
    'normalization-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed by running the four lines of the prompt with dlcourse's "
        "BatchNorm1d in the grader: the three numbers within 0.01, and whether the evaluation output changes "
        "with other batch-mates.")),
    'normalization-layer-norm': Entry(IMPLEMENT, hidden=(
        "other shapes (one feature, a single example, 1-D and 4-D inputs) in float32 and float64, with and "
        "without weight and bias and with other eps, compared with PyTorch's layer_norm in values and in the "
        "gradients for x, weight and bias.")),
    # 03-training/08-diagnosing-training
    'diagnosing-clip-grad-norm': Entry(IMPLEMENT, hidden=(
        "other sets of parameters (a single scalar, a 200 x 300 weight, the parameters of a small network after a "
        "backward pass) in float32 and float64, gradients of all zeros, max_norm from 1e-3 to 1e3 in the three "
        "norm types, compared with PyTorch's clip_grad_norm_: the returned total norm and every clipped gradient.")),
    'diagnosing-runs': Entry(PREDICT, hidden=(
        "each diagnosis against the truth, read from the lesson's planted_faults in the grader: the fault each of "
        "the five runs carries, all five exactly.")),
    # ---------------------------------------- end of 03-training
    # ========== Chapter 04-advances ==========
    # 04-advances/01-self-supervised
    'self-nt-xent': Entry(IMPLEMENT, hidden=(
        "other sizes (a single example, one feature, 64 examples) in float64 and float32, temperatures from 0.05 to "
        "5, rows whose lengths span six orders of magnitude, compared with dlcourse's nt_xent_loss in the value and "
        "the gradients for z1 and z2, and four more bad shapes or temperatures that must raise ValueError.")),
    'self-predict': Entry(PREDICT, hidden=(
        "each of the four predictions against the truth, computed in the grader with dlcourse's nt_xent_loss on the "
        "four pairs of the prompt: each within 0.01.")),
    'self-explain': Entry(EXPLAIN, hidden=''),
    # 04-advances/03-federated
    'federated-fedavg': Entry(IMPLEMENT, hidden=(
        "the state dicts of 1, 2 and 7 small convolutional networks with batch normalization in float32 and "
        "float64, equal, random, mostly zero and very unequal weights, compared with dlcourse's fedavg (every "
        "entry, its dtype and shape, the integer buffers exactly), and other invalid inputs.")),
    'federated-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed by running the four rounds on a small float64 network in "
        "the grader: whether the averaged model equals the pooled one, all four exactly.")),
    'federated-reconstruct-input': Entry(IMPLEMENT, hidden=(
        "the real gradients of one example through networks of other sizes (from one input and one hidden unit "
        "to 200 inputs), half of their hidden units off, in float32 and float64, very small bias gradients, "
        "compared with the true input and dlcourse's reconstruct_input, and other invalid shapes.")),
    'federated-explain': Entry(EXPLAIN, hidden=''),
    # 04-advances/04-graph-neural-networks
    'graph-gcn-layer': Entry(IMPLEMENT, hidden=(
        "graphs with one node, with no edge, with isolated nodes and one-way edges, up to 300 nodes and 3,000 "
        "edges in float64 and float32, with and without a bias, compared with PyTorch Geometric's GCNConv in "
        "values and in the gradients for x, the weight and the bias; and a graph of 20,000 nodes, too large for "
        "a dense adjacency matrix in the grader's memory.")),
    'graph-gcn-backward': Entry(GRADIENT, hidden=(
        "graphs with one node, with no edge, and directed random graphs up to 250 nodes and 2,000 edges, in float64 "
        "and float32, compared with autograd through PyTorch Geometric's GCNConv for all three gradients.")),
    'graph-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth computed in the grader: the edge weight from gcn_norm within 0.006, "
        "the two-hop neighbourhood of node 0 exactly, and the limit of a hundred propagation steps, found by "
        "testing which of the four statements the rows' lengths satisfy.")),
    'graph-explain': Entry(EXPLAIN, hidden=''),
    'graph-target': Entry(TRAIN, hidden=(
        "two other graphs drawn with the same parameters and other seeds, each with 5 labelled nodes per class, "
        "scored on the unlabelled nodes with the same 65 % threshold.")),
    # 04-advances/05-large-models
    'large-count-parameters': Entry(IMPLEMENT, hidden=(
        "four other GPTs built in the grader (one block, widths 4 to 48, a vocabulary of 1, four blocks) against "
        "their summed numel, and the sizes of GPT-2 small and GPT-3 against dlcourse's formula.")),
    'large-causal-mask': Entry(BUG, hidden=(
        "lengths from 2 to 64 entry by entry, three other float64 GPTs (one to three blocks, widths 8 to 24) whose "
        "logits with your mask must equal GPT.forward, and a changed last token that must leave every earlier "
        "position's logits unchanged.")),
    'large-distillation-loss': Entry(IMPLEMENT, hidden=(
        "random float64 logits of other shapes (a single position, V = 62, 1-D and 3-D), temperatures from 0.5 to "
        "10, logits of size 60 or more, and the logits of two untrained GPTs, against torch.distributions' KL in "
        "values and gradients.")),
    'large-explain': Entry(EXPLAIN, hidden=''),
    # 04-advances/02-transfer
    'transfer-param-groups': Entry(IMPLEMENT, hidden=(
        "an MLP and a CNN split at other layers, with backbones frozen by an earlier call, SGD with momentum, AdamW "
        "with weight decay and Adam at other rates (equal rates and a frozen backbone among them) in float32 and "
        "float64, four steps compared with one optimizer per part, other invalid rates, and a head layer that "
        "also sits in the backbone.")),
    'transfer-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed by pre-training the lesson's backbone again and scoring "
        "scratch, feature extraction and both fine-tunings with one and with all labels per class in the "
        "grader: all three exactly.")),
    # ---------------------------------------- end of 04-advances
    # ========== Chapter 05-applications ==========
    # 05-applications/01-vision
    'vision-box-iou': Entry(IMPLEMENT, hidden=(
        "random boxes in float64 and float32 against pycocotools' IoU (the COCO evaluation's C code), empty sets of "
        "boxes on either side, zero-area boxes, equal, nested, touching and disjoint boxes, the (N, M) orientation "
        "with N != M, and scale invariance.")),
    'vision-nms': Entry(IMPLEMENT, hidden=(
        "random box sets at thresholds 0, 0.3, 0.5, 0.7 and 1 against the definition's plain loop, the order of "
        "the result, a box at exactly the threshold (kept), tied scores (input order), no boxes, and a detector's "
        "raw boxes of the lesson.")),
    'vision-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth computed in the grader: the IoU with box_iou within 0.01, the boxes "
        "that survive with nms exactly, and the AP with average_precision within 0.01.")),
    'vision-dice-grad': Entry(GRADIENT, hidden=(
        "vectors, masks and batches of masks in float64 and float32 with targets from all background to all "
        "foreground, compared with autograd in the loss and the gradient; and a perfect binary prediction, whose "
        "gradient is (1 - 2 t_i) / (2 S_t).")),
    'vision-explain': Entry(EXPLAIN, hidden=''),
    # 05-applications/02-language
    'language-beam': Entry(BUG, hidden=(
        "ten random tables of 4 to 7 tokens that never generate BOS, beams of 1, 2, 3 and 400 (exhaustive), "
        "alpha 0, 0.6 and 1 and max_len from 1 to 6, against dlcourse's beam_search: tokens and score.")),
    'language-bleu': Entry(IMPLEMENT, hidden=(
        "16 random corpora of 1 to 30 candidates over vocabularies of 3 to 12 words, with one to three references "
        "each and max_n from 1 to 4, candidates without any match or too short for an n-gram, and the notebook's "
        "greedy translations, against torchmetrics' BLEUScore.")),
    'language-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth computed in the grader: the three scores with dlcourse's bleu within "
        "0.01, and the two orders of a contrast review through a freshly initialised BagOfEmbeddings.")),
    'language-explain': Entry(EXPLAIN, hidden=''),
    # 05-applications/04-medicine
    'medicine-sensitivity': Entry(IMPLEMENT, hidden=(
        "random labels and scores with and without ties, from 2 to 500 cases, as tensors, arrays and lists, at "
        "thresholds below, among and above the scores, compared with scikit-learn's recall_score of each class, "
        "float32 scores on the threshold, and other invalid inputs.")),
    'medicine-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed in the grader from the 5 % test population: both within "
        "0.005.")),
    'medicine-ece': Entry(IMPLEMENT, hidden=(
        "random probabilities and labels from 1 to 2,000 cases with 1 to 20 bins, float32 and float64, as tensors, "
        "arrays and lists, compared with dlcourse.calibration and with torchmetrics' BinaryCalibrationError away "
        "from the bin edges, probabilities on the edges, 0 and 1, and other invalid inputs.")),
    'medicine-threshold': Entry(TRAIN, hidden=(
        "validation and test sets of 4,000 cases drawn from two overlapping normal distributions for the targets "
        "0.9, 0.95 and 0.99: the threshold chosen on validation scored on test (sensitivity within 0.02 of the "
        "target, specificity within 0.02 of the best threshold's), and the exact threshold on random small sets "
        "with ties, as tensors, lists and arrays.")),
    'medicine-explain': Entry(EXPLAIN, hidden=''),
    # 05-applications/03-speech
    'speech-spectrogram': Entry(IMPLEMENT, hidden=(
        "an odd n_fft, a hop of 1 and a hop of n_fft, float32 waveforms, the shortest waveform allowed (n_fft // 2 + "
        "1 samples), a batch of 8 of the lesson's utterances, each against torch.stft in values and gradients, and "
        "a 0-d and a 3-d waveform that must raise ValueError.")),
    'speech-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed in the grader with dlcourse.audio.spectrogram of the three "
        "tones of the prompt: the two bins and the number of frames exactly.")),
    'speech-explain': Entry(EXPLAIN, hidden=''),
    'speech-eer': Entry(IMPLEMENT, hidden=(
        "two trials, 3,000 trials, float32 scores, bool labels and scores rounded to many ties, and the lesson's "
        "trial scores, against dlcourse.audio.equal_error_rate within 1e-9, and a 2-d input and two one-class sets "
        "of labels that must raise ValueError.")),
    # 05-applications/05-autonomous-driving
    'driving-predict': Entry(PREDICT, hidden=(
        "each prediction against the mean average precision of the camera, range and fused detectors trained in the "
        "notebook, on the day and the night scenes of the held-out set.")),
    'driving-astar': Entry(IMPLEMENT, hidden=(
        "random cost maps from 1 x 1 to 25 x 25 with 30 % of the cells blocked and random start and goal cells, "
        "reachable or not, against dlcourse's Dijkstra (the cost, and the path checked move by move), the number "
        "of cells expanded on two open maps against Dijkstra's, and cells outside the grid.")),
    'driving-heuristic': Entry(BUG, hidden=(
        "random maps of 8 x 8 to 20 x 20 with costs between 0.1 and 20 and 20 % blocked cells, random goals: the "
        "heuristic never above the true cost to the goal, A* as cheap as Dijkstra from three starts, and fewer "
        "cells expanded than Dijkstra on an open map with costs of 0.3.")),
    'driving-explain': Entry(EXPLAIN, hidden=''),
    # ---------------------------------------- end of 05-applications
    # ========== Chapter 06-challenges-tools ==========
    # 06-challenges-tools/01-challenges
    'challenges-predict': Entry(PREDICT, hidden=(
        "each prediction against the accuracies of the student's own shortcut_model on the test 3s and 8s with "
        "the frame on the 3s and with no frame, computed when the notebook is graded: both within 0.1.")),
    'challenges-ig': Entry(IMPLEMENT, hidden=(
        "a ReLU-tanh network with random baselines and one target per example (50 steps), a CNN on 8 x 8 images "
        "with an unbatched black baseline (20 steps), dlcourse's MLP with a grey baseline and one step, a sigmoid "
        "network on one example (7 steps), each in float64 and float32 against dlcourse.explain, and steps of 0 "
        "and -3 that must raise ValueError.")),
    'challenges-explain': Entry(EXPLAIN, hidden=''),

    # 06-challenges-tools/02-lightweight-models
    'lightweight-depthwise': Entry(IMPLEMENT, hidden=(
        "random shapes, rectangular kernels of 1 to 3, strides 1 and 2, paddings 0 and 1, with and without bias, "
        "in float32 and float64, compared with PyTorch's grouped and 1 x 1 convolutions in the output and in the "
        "gradients for the input and both weights.")),
    'lightweight-target': Entry(TRAIN, hidden=(
        "training on another sample of 1000 images of the training split with a random state only the grader "
        "knows, then scoring the test split, which the notebook never looks at, against the same 1,000 "
        "parameters, 95 % accuracy and 30 s budget.")),
    'lightweight-predict': Entry(PREDICT, hidden=(
        "quantizing the notebook's MLP when the notebook is graded and comparing the size ratio (within 0.05) "
        "and whether the validation accuracy drops by more than 1 point.")),
    'lightweight-explain': Entry(EXPLAIN, hidden=''),

    # 06-challenges-tools/03-reinforcement-learning
    'reinforcement-returns': Entry(IMPLEMENT, hidden=(
        "random rewards of 1 to 50 steps, one stream and batches of up to 8, gamma 0, 0.3, 0.99 and 1, float32 and "
        "float64, episode ends nowhere, everywhere and at random, against dlcourse.rl.returns_to_go and the direct "
        "sum, and 3-d rewards, mismatched dones and gamma outside [0, 1] that must raise ValueError.")),
    'reinforcement-grad': Entry(GRADIENT, hidden=(
        "random policies with 2 to 6 actions, 1 to 9 features and 1 to 40 steps, float32 and float64, baselines as "
        "tensors and as floats, against autograd of the summed weighted log-probabilities computed in the test, "
        "and mismatched shapes that must raise ValueError.")),
    'reinforcement-bug': Entry(BUG, hidden=(
        "other batches of 1 to 50 steps with 2 to 6 actions in float32 and float64, and values produced by a "
        "linear layer: the loss's value, its gradient on the logits against the REINFORCE formula and its gradient "
        "on the values (and the layer's weights) against the value loss's alone.")),
    'reinforcement-explain': Entry(EXPLAIN, hidden=''),

    # 06-challenges-tools/04-cross-modal-ethics-safety
    'ethics-fairness': Entry(IMPLEMENT, hidden=(
        "random labels, predictions and two to four groups of 8 to 5,000 people, as tensors, arrays and lists, "
        "group codes that are not 0 and 1, against a per-group count written out in the grader, a classifier "
        "fair by both criteria, and more inputs that must raise ValueError (other shapes, a group without "
        "positives or without negatives).")),
    'ethics-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth, computed in the grader from the two models of the notebook: the "
        "advantage of the correctness attack on each, within 0.02.")),
    'safety-fgsm-grad': Entry(GRADIENT, hidden=(
        "random batches of 1 to 50 inputs of 1 to 30 features in float64 and float32, against autograd through "
        "binary_cross_entropy_with_logits, eps 0 (the input unchanged), zero weights (those features unchanged), "
        "and labels given as floats or integers.")),
    'ethics-explain': Entry(EXPLAIN, hidden=''),

    # 06-challenges-tools/05-tools-frameworks
    'tools-predict': Entry(PREDICT, hidden=(
        "each prediction against the truth computed in the grader: the function of the prompt traced with "
        "torch.jit.trace on ones(3) and compiled with torch.compile, each called on the prompt's input (the three "
        "outputs within 1e-6), and what torch.export.export does with it.")),
    'tools-deploy': Entry(BUG, hidden=(
        "a CNN on (B, 1, 8, 8) images in training mode and two networks in eval mode (which must stay in eval "
        "mode), each exported from an example batch of 2 to 8 and run at batch sizes 1, 5 and 64, on inputs that "
        "require gradients, each output within 1e-5 of the model's own in eval mode.")),
    'tools-explain': Entry(EXPLAIN, hidden=''),

    # 06-challenges-tools/06-outlook
    'outlook-flops': Entry(IMPLEMENT, hidden=(
        "twelve random networks of 1 to 5 layers with widths from 1 to 40 and batches of 1, 2, 17 and 100, with and "
        "without the input's gradient, against FlopCounterMode, and the widths as a tuple.")),
    'outlook-energy': Entry(PREDICT, hidden=(
        "the estimate against the operations of ten epochs of training counted with FlopCounterMode in the grader "
        "(within a factor of 3), and the comparison with 2 x 175e9 operations for one token of GPT-3.")),
    'outlook-explain': Entry(EXPLAIN, hidden=''),

    # ---------------------------------------- end of 06-challenges-tools
}


# ------------------------------------------------------------------------------- the chapter pages' tables
START, END = "<!-- exercises: generated by python -m dlcourse.grading.catalog -->", "<!-- end of exercises -->"


def exercise_rows(chapter_dir) -> list[tuple[str, str, str, str]]:
    """(notebook title, exercise, kind, points) per exercise of a chapter's instructor notebooks, in order."""
    from pathlib import Path

    import nbformat

    from dlcourse.grading.authoring import HIDDEN, exercise_of

    rows = []
    for path in sorted(Path(chapter_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        title = next((c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells
                      if c.cell_type == "markdown" and c.source.startswith("# ")), path.stem)
        points: dict[str, dict[str, float]] = {}
        order: list[str] = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if not gid:
                continue
            if meta.get("solution"):
                order.append(gid)
                if meta.get("grade"):
                    points.setdefault(gid, {})["hand"] = float(meta["points"])
            elif meta.get("grade"):
                part = "hidden" if gid.endswith(HIDDEN) else "visible"   # as dlcourse check counts it
                points.setdefault(exercise_of(gid), {})[part] = float(meta["points"])
        for stem in order:
            p = points.get(stem, {})
            entry = CATALOG.get(stem)
            kind = KINDS[entry.kind] if entry else "?"
            if "hand" in p:
                text = f"{p['hand']:g}, graded by hand"
            else:
                text = f"{p.get('visible', 0) + p.get('hidden', 0):g} ({p.get('visible', 0):g} visible + " \
                       f"{p.get('hidden', 0):g} hidden)"
            rows.append((title.split(":")[0], stem, kind, text))
    return rows


def exercise_table(chapter_dir) -> str:
    """The markdown table of a chapter's exercises, between the markers a chapter page carries."""
    rows = exercise_rows(chapter_dir)
    lines = [START, "", "| Notebook | Exercise | Kind | Points |", "|---|---|---|---|"]
    lines += [f"| {title} | `{stem}` | {kind} | {points} |" for title, stem, kind, points in rows]
    lines += ["", END]
    return "\n".join(lines)


def main() -> int:
    """Rewrite the exercise table of every chapter page (book/chapters/<chapter>.md) from the notebooks."""
    from dlcourse.grading.notebooks import ROOT, chapters

    for chapter in chapters():
        page = ROOT / "book" / "chapters" / f"{chapter}.md"
        text = page.read_text(encoding="utf-8")
        if START not in text or END not in text:
            raise SystemExit(f"{page}: no exercise table markers ({START} ... {END})")
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        page.write_text(head + exercise_table(ROOT / "solutions" / chapter) + tail, encoding="utf-8")
        print(f"{page.relative_to(ROOT)}: {len(exercise_rows(ROOT / 'solutions' / chapter))} exercises")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
