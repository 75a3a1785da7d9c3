"""dlcourse.data.kfold_indices against scikit-learn's KFold and StratifiedKFold: the same indices, and errors."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import KFold, StratifiedKFold

from dlcourse.data import kfold_indices


def _same(ours, theirs):
    theirs = list(theirs)
    assert len(ours) == len(theirs)
    for (tr, va), (tr_ref, va_ref) in zip(ours, theirs):
        assert tr.dtype == va.dtype == torch.int64
        assert tr.tolist() == tr_ref.tolist() and va.tolist() == va_ref.tolist()


@pytest.mark.parametrize("n,k", [(2, 2), (10, 3), (11, 4), (7, 7), (100, 5), (101, 10), (37, 6)])
def test_plain_folds_equal_kfold(n, k):
    ours = kfold_indices(n, k)
    _same(ours, KFold(n_splits=k).split(np.zeros(n)))
    assert sorted(torch.cat([va for _, va in ours]).tolist()) == list(range(n))  # each sample validated once


@pytest.mark.parametrize("seed", range(8))
def test_stratified_folds_equal_stratified_kfold(seed):
    g = torch.Generator().manual_seed(seed)
    n = int(torch.randint(20, 120, (1,), generator=g))
    k = int(torch.randint(2, 6, (1,), generator=g))
    n_classes = int(torch.randint(2, 6, (1,), generator=g))
    probs = torch.rand(n_classes, generator=g) + 0.2                       # imbalanced classes
    rest = torch.multinomial(probs, n - k * n_classes, replacement=True, generator=g)
    y = torch.cat([torch.arange(n_classes).repeat(k), rest])               # every class has >= k samples
    y = y[torch.randperm(n, generator=g)] * 3 + 1                           # shuffled; labels with gaps
    _same(kfold_indices(n, k, y=y), StratifiedKFold(n_splits=k).split(np.zeros(n), y.numpy()))


def test_stratified_with_a_class_smaller_than_k_still_equals_sklearn():
    y = torch.tensor([5] * 9 + [2] * 2 + [7] * 4)
    with pytest.warns(UserWarning):
        ref = list(StratifiedKFold(n_splits=3).split(np.zeros(15), y.numpy()))
    _same(kfold_indices(15, 3, y=y), ref)


def test_stratified_folds_keep_the_class_proportions():
    y = torch.tensor([0] * 80 + [1] * 20)  # sorted by class: plain folds would hold a single class
    plain = [torch.bincount(y[va], minlength=2).tolist() for _, va in kfold_indices(100, 5)]
    strat = [torch.bincount(y[va], minlength=2).tolist() for _, va in kfold_indices(100, 5, y=y)]
    assert plain[-1] == [0, 20] and strat == [[16, 4]] * 5


@pytest.mark.parametrize("n,k,y,match", [
    (10, 1, None, "2 <= k <= n"), (3, 4, None, "2 <= k <= n"), (0, 2, None, "2 <= k <= n"),
    (4, 2, torch.tensor([0, 1, 0]), "shape"), (4, 3, torch.tensor([0, 0, 1, 1]), "at least one class"),
])
def test_errors(n, k, y, match):
    with pytest.raises(ValueError, match=match):
        kfold_indices(n, k, y=y)
