"""k-fold cross-validation splits, the same indices as scikit-learn's ``KFold`` and ``StratifiedKFold``.

k-fold cross-validation cuts the :math:`N` samples into :math:`k` folds of (nearly) equal size; fold :math:`i`
validates a model trained on the other :math:`k - 1`, and the estimate is the mean of the :math:`k` scores:

.. math::
    \\mathrm{CV}_k = \\frac{1}{k} \\sum_{i=1}^{k} \\mathrm{score}\\big(\\text{model fitted without fold } i,\\ \\text{fold } i\\big).

Plain folds are contiguous runs of the sample order (the first :math:`N \\bmod k` folds one sample larger), as
``KFold(n_splits=k)``: shuffle the samples first if they are ordered. With labels ``y`` the folds are
*stratified*, as ``StratifiedKFold(n_splits=k)``: every fold gets each class in (nearly) the proportion of the
whole set. Samples of each class, in their order, are dealt to the folds by the rank of their class among the
sorted labels, ``y_sorted[i::k]`` counting fold ``i``'s share of each class.

Shapes: ``y`` (N,); every index tensor is 1-D int64, sorted.
"""

from __future__ import annotations

import torch
from torch import Tensor


def kfold_indices(n: int, k: int, y: Tensor | None = None) -> list[tuple[Tensor, Tensor]]:
    """The ``k`` (train, validation) index pairs of k-fold cross-validation over ``n`` samples.

    Args:
        n: number of samples N >= k.
        k: number of folds, 2 <= k <= N.
        y: optional (N,) integer labels: stratified folds, as ``StratifiedKFold(k)``; without, ``KFold(k)``.

    Returns:
        list of k pairs (train, val) of sorted int64 index tensors; every index is in exactly one ``val``.

    Raises:
        ValueError: if k < 2 or k > n, if y does not have n entries, or if every class has fewer than k samples.

    >>> [v.tolist() for _, v in kfold_indices(7, 3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    if not 2 <= k <= n:
        raise ValueError(f"need 2 <= k <= n, got k = {k} for n = {n} samples")
    fold_of = torch.empty(n, dtype=torch.long)  # (N,) the fold that validates each sample
    if y is None:
        sizes = torch.full((k,), n // k, dtype=torch.long)
        sizes[: n % k] += 1                       # the first n mod k folds take one sample more
        fold_of = torch.repeat_interleave(torch.arange(k), sizes)
    else:
        y = torch.as_tensor(y)
        if y.shape != (n,):
            raise ValueError(f"expected y of shape ({n},), got {tuple(y.shape)}")
        # classes numbered by first appearance, as scikit-learn does
        _, inverse = torch.unique(y, return_inverse=True)                        # (N,) sorted-class index
        first = torch.full((int(inverse.max()) + 1,), n, dtype=torch.long).scatter_reduce(
            0, inverse, torch.arange(n), reduce="amin")                           # first position of each class
        encoded = torch.argsort(torch.argsort(first))[inverse]                   # (N,) class by first appearance
        counts = torch.bincount(encoded)
        if (counts < k).all():
            raise ValueError(f"k = {k} folds need at least one class with k samples; class sizes {counts.tolist()}")
        y_sorted = torch.sort(encoded).values
        share = torch.stack([torch.bincount(y_sorted[i::k], minlength=len(counts)) for i in range(k)])  # (k, K)
        for c in range(len(counts)):
            fold_of[encoded == c] = torch.repeat_interleave(torch.arange(k), share[:, c])
    folds = []
    for i in range(k):
        val = torch.nonzero(fold_of == i).flatten()
        train = torch.nonzero(fold_of != i).flatten()
        folds.append((train, val))
    return folds
