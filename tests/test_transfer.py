"""dlcourse.transfer against what PyTorch does: requires_grad and autograd, and optimizers' parameter groups."""

import copy

import pytest
import torch
from torch import nn

from dlcourse.transfer import freeze, param_groups, trainable_parameters


def _net(seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 5 * 5, 3)).double()


def _batch(seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(8, 1, 5, 5, generator=g, dtype=torch.float64), torch.randint(0, 3, (8,), generator=g)


def _loss(net, x, y):
    return nn.functional.cross_entropy(net(x), y)


def test_freeze_stops_gradients_and_updates():
    net = _net()
    backbone, head = net[:3], net[3]
    before = copy.deepcopy(net.state_dict())
    assert freeze(backbone) is backbone
    assert [p.requires_grad for p in net.parameters()] == [False, False, True, True]
    assert trainable_parameters(net) == sum(p.numel() for p in head.parameters())
    x, y = _batch()
    opt = torch.optim.SGD(net.parameters(), lr=0.5, momentum=0.9, weight_decay=0.1)
    for _ in range(3):
        opt.zero_grad()
        _loss(net, x, y).backward()
        assert all(p.grad is None for p in backbone.parameters()), "autograd leaves a frozen parameter's grad None"
        opt.step()
    after = net.state_dict()
    assert torch.equal(after["0.weight"], before["0.weight"]) and torch.equal(after["0.bias"], before["0.bias"])
    assert not torch.equal(after["3.weight"], before["3.weight"])
    freeze(backbone, frozen=False)
    assert all(p.requires_grad for p in net.parameters()) and trainable_parameters(net) == 4 * 9 + 4 + 100 * 3 + 3


@pytest.mark.parametrize("make_opt", [
    lambda params, lr: torch.optim.Adam(params, lr=lr, weight_decay=1e-2),
    lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
], ids=["adam", "sgd-nesterov"])
def test_groups_step_like_one_optimizer_per_part(make_opt):
    """One optimizer over the groups moves each part exactly as an optimizer of its own at that part's rate."""
    ours, ref = _net(), _net()
    groups = param_groups(ours[:3], ours[3], lr=3e-2, backbone_lr=1e-3)
    assert [g["lr"] for g in groups] == [1e-3, 3e-2]
    assert [len(g["params"]) for g in groups] == [2, 2]
    opt = make_opt(groups, 123.0)  # the default rate is overridden by each group's own
    opt_backbone, opt_head = make_opt(ref[:3].parameters(), 1e-3), make_opt(ref[3].parameters(), 3e-2)
    x, y = _batch()
    for _ in range(4):
        for o in (opt, opt_backbone, opt_head):
            o.zero_grad()
        _loss(ours, x, y).backward()
        _loss(ref, x, y).backward()
        for o in (opt, opt_backbone, opt_head):
            o.step()
    for (name, p), q in zip(ours.named_parameters(), ref.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-12, atol=1e-12, msg=f"{name} differs")
    assert not torch.allclose(ours[0].weight, _net()[0].weight), "the backbone moved"


def test_backbone_lr_zero_freezes_and_leaves_the_backbone_out():
    net = _net()
    start = copy.deepcopy(net)
    groups = param_groups(net[:3], net[3], lr=0.1, backbone_lr=0.0)
    assert len(groups) == 1 and groups[0]["lr"] == 0.1
    assert [id(p) for p in groups[0]["params"]] == [id(p) for p in net[3].parameters()]
    assert [p.requires_grad for p in net.parameters()] == [False, False, True, True]
    opt = torch.optim.Adam(groups)
    x, y = _batch()
    _loss(net, x, y).backward()
    opt.step()
    assert torch.equal(net[0].weight, start[0].weight) and net[0].weight.grad is None
    # a later call with backbone_lr > 0 unfreezes it again, as a torch optimizer over all parameters needs
    groups = param_groups(net[:3], net[3], lr=0.1, backbone_lr=0.01)
    assert all(p.requires_grad for p in net.parameters()) and len(groups) == 2
    freeze(net[3])
    param_groups(net[:3], net[3], lr=0.1, backbone_lr=0.0)
    assert all(p.requires_grad for p in net[3].parameters()), "the head is always trainable"


def test_bad_arguments():
    net = _net()
    with pytest.raises(ValueError, match="lr must be positive"):
        param_groups(net[:3], net[3], lr=0.0, backbone_lr=0.1)
    with pytest.raises(ValueError, match="backbone_lr must be >= 0"):
        param_groups(net[:3], net[3], lr=0.1, backbone_lr=-1e-3)
    with pytest.raises(ValueError, match="both backbone and head"):
        param_groups(net, net[3], lr=0.1, backbone_lr=0.01)
    # PyTorch refuses the same overlap, later and with another message
    with pytest.raises(ValueError, match="more than one parameter group"):
        torch.optim.SGD([{"params": list(net.parameters())}, {"params": list(net[3].parameters())}], lr=0.1)


def test_freeze_sets_what_torch_requires_grad_sets():
    """freeze is nn.Module.requires_grad_ written out: the same flags on every parameter, both ways."""
    for frozen in (True, False):
        ours, ref = _net(), _net()
        freeze(ours[:3], frozen=frozen)
        ref[:3].requires_grad_(not frozen)
        assert [p.requires_grad for p in ours.parameters()] == [p.requires_grad for p in ref.parameters()]
