"""Plausible wrong answers for Chapter 4's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 02-transfer
    'transfer-param-groups': [
        ("the two rates swapped: the backbone at lr, the head at backbone_lr", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("shared")
    for p in phi:
        p.requires_grad_(True)
    for p in theta:
        p.requires_grad_(backbone_lr > 0)
    if backbone_lr == 0:
        return [{"params": phi, "lr": lr}]
    return [{"params": theta, "lr": lr}, {"params": phi, "lr": backbone_lr}]
'''),
        ("a frozen backbone kept in the groups at rate 0", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("shared")
    for p in phi:
        p.requires_grad_(True)
    for p in theta:
        p.requires_grad_(backbone_lr > 0)
    return [{"params": theta, "lr": backbone_lr}, {"params": phi, "lr": lr}]
'''),
        ("freezes with backbone_lr 0 but never unfreezes a backbone frozen before", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("shared")
    if backbone_lr == 0:
        for p in theta:
            p.requires_grad_(False)
        return [{"params": phi, "lr": lr}]
    return [{"params": theta, "lr": backbone_lr}, {"params": phi, "lr": lr}]
'''),
        ("module.parameters() handed over as generators, used up by the first loop over them", '''
def param_groups(backbone, head, lr, backbone_lr):
    if lr <= 0 or backbone_lr < 0:
        raise ValueError("rates")
    if {id(p) for p in backbone.parameters()} & {id(p) for p in head.parameters()}:
        raise ValueError("shared")
    for p in head.parameters():
        p.requires_grad_(True)
    for p in backbone.parameters():
        p.requires_grad_(backbone_lr > 0)
    if backbone_lr == 0:
        return [{"params": head.parameters(), "lr": lr}]
    return [{"params": backbone.parameters(), "lr": backbone_lr}, {"params": head.parameters(), "lr": lr}]
'''),
        ("no argument checks: a zero rate, a negative rate and a shared layer all pass", '''
def param_groups(backbone, head, lr, backbone_lr):
    theta, phi = list(backbone.parameters()), list(head.parameters())
    for p in phi:
        p.requires_grad_(True)
    for p in theta:
        p.requires_grad_(backbone_lr > 0)
    if backbone_lr == 0:
        return [{"params": phi, "lr": lr}]
    return [{"params": theta, "lr": backbone_lr}, {"params": phi, "lr": lr}]
'''),
    ],
    'transfer-predict': [
        ("yes and no written as strings", '''
PREDICTIONS = {"features_beat_scratch_at_1": "yes", "features_beat_full_at_all": "no",
               "transfer_gains_5_points_at_all": "no"}
'''),
        ("a question left out", '''
PREDICTIONS = {"features_beat_scratch_at_1": True, "features_beat_full_at_all": False}
'''),
        ("True and False written as 1 and 0", '''
PREDICTIONS = {"features_beat_scratch_at_1": 1, "features_beat_full_at_all": 0, "transfer_gains_5_points_at_all": 0}
'''),
    ],
}
