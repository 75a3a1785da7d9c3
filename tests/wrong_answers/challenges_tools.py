"""Plausible wrong answers for Chapter 6's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-challenges
    'challenges-predict': [
        ("the accuracies as percentages", '''
PREDICTION = {"disagree": 0, "no_frame": 52}
'''),
        ("an accuracy in words", '''
PREDICTION = {"disagree": "zero", "no_frame": 0.5}
'''),
        ("a key missing", '''
PREDICTION = {"disagree": 0.0}
'''),
    ],
    'challenges-ig': [
        ("the left rule alpha_k = k / m for k = 0..m-1 instead of the midpoint rule", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    if steps < 1:
        raise ValueError("steps must be at least 1")
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target).expand(x.shape[0])
    total = torch.zeros_like(x)
    for k in range(steps):
        point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point).gather(1, target[:, None]).sum(), point)[0]
    return (x - baseline) * total / steps
'''),
        ("the averaged gradient returned without the factor (x - x')", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    if steps < 1:
        raise ValueError("steps must be at least 1")
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target).expand(x.shape[0])
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + (k - 0.5) / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point).gather(1, target[:, None]).sum(), point)[0]
    return total / steps
'''),
        ("the scores indexed as out[:, target]: every example's score for every target", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    if steps < 1:
        raise ValueError("steps must be at least 1")
    baseline = baseline.expand_as(x).to(x.dtype)
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + (k - 0.5) / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point)[:, target].sum(), point)[0]
    return (x - baseline) * total / steps
'''),
        ("no check of steps: 0 steps divides by zero and returns nan", '''
def integrated_gradients(model, x, baseline, target, steps=64):
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target).expand(x.shape[0])
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + (k - 0.5) / steps * (x - baseline)).detach().requires_grad_(True)
        total += torch.autograd.grad(model(point).gather(1, target[:, None]).sum(), point)[0]
    return (x - baseline) * total / steps
'''),
    ],

    # ---------------------------------------------------------------- 02-lightweight-models
    'lightweight-depthwise': [
        ("the depthwise step sums over the channels: a standard convolution with shared kernels", '''
def depthwise_separable_conv(x, weight_dw, weight_pw, bias=None, stride=1, padding=0):
    if x.dim() != 4 or weight_dw.dim() != 4 or weight_dw.shape[:2] != (x.shape[1], 1) \
            or weight_pw.dim() != 4 or weight_pw.shape[1:] != (x.shape[1], 1, 1):
        raise ValueError("shapes")
    b, c, h, w = x.shape
    kh, kw = weight_dw.shape[-2:]
    xp = F.pad(x, (padding,) * 4)
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    z = x.new_zeros(b, c, h_out, w_out)
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u:u + stride * (h_out - 1) + 1:stride, v:v + stride * (w_out - 1) + 1:stride]
            z = z + (patch * weight_dw[:, 0, u, v][None, :, None, None]).sum(1, keepdim=True)
    y = torch.einsum("oc,bchw->bohw", weight_pw[:, :, 0, 0], z)
    return y if bias is None else y + bias[None, :, None, None]
'''),
        ("the stride applied again in the pointwise step", '''
def depthwise_separable_conv(x, weight_dw, weight_pw, bias=None, stride=1, padding=0):
    if x.dim() != 4 or weight_dw.dim() != 4 or weight_dw.shape[:2] != (x.shape[1], 1) \
            or weight_pw.dim() != 4 or weight_pw.shape[1:] != (x.shape[1], 1, 1):
        raise ValueError("shapes")
    b, c, h, w = x.shape
    kh, kw = weight_dw.shape[-2:]
    xp = F.pad(x, (padding,) * 4)
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    z = x.new_zeros(b, c, h_out, w_out)
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u:u + stride * (h_out - 1) + 1:stride, v:v + stride * (w_out - 1) + 1:stride]
            z = z + patch * weight_dw[:, 0, u, v][None, :, None, None]
    y = torch.einsum("oc,bchw->bohw", weight_pw[:, :, 0, 0], z[:, :, ::stride, ::stride])
    return y if bias is None else y + bias[None, :, None, None]
'''),
        ("the kernel flipped (a true convolution instead of PyTorch's cross-correlation)", '''
def depthwise_separable_conv(x, weight_dw, weight_pw, bias=None, stride=1, padding=0):
    if x.dim() != 4 or weight_dw.dim() != 4 or weight_dw.shape[:2] != (x.shape[1], 1) \
            or weight_pw.dim() != 4 or weight_pw.shape[1:] != (x.shape[1], 1, 1):
        raise ValueError("shapes")
    b, c, h, w = x.shape
    kh, kw = weight_dw.shape[-2:]
    xp = F.pad(x, (padding,) * 4)
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    z = x.new_zeros(b, c, h_out, w_out)
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u:u + stride * (h_out - 1) + 1:stride, v:v + stride * (w_out - 1) + 1:stride]
            z = z + patch * weight_dw[:, 0, kh - 1 - u, kw - 1 - v][None, :, None, None]
    y = torch.einsum("oc,bchw->bohw", weight_pw[:, :, 0, 0], z)
    return y if bias is None else y + bias[None, :, None, None]
'''),
        ("no shape checks: a mismatched weight fails deep inside with a RuntimeError", '''
def depthwise_separable_conv(x, weight_dw, weight_pw, bias=None, stride=1, padding=0):
    b, c, h, w = x.shape if x.dim() == 4 else (1,) + tuple(x.shape)
    x = x.reshape(b, c, h, w)
    kh, kw = weight_dw.shape[-2:]
    xp = F.pad(x, (padding,) * 4)
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    z = x.new_zeros(b, c, h_out, w_out)
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u:u + stride * (h_out - 1) + 1:stride, v:v + stride * (w_out - 1) + 1:stride]
            z = z + patch * weight_dw[:, 0, u, v][None, :, None, None]
    y = torch.einsum("oc,bchw->bohw", weight_pw[:, :, 0, 0], z)
    return y if bias is None else y + bias[None, :, None, None]
'''),
    ],
    'lightweight-target': [
        ("a logistic regression on the 64 pixels: under the budget, below the target", '''
def fit_small(X_train, y_train):
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(10):
        for batch in torch.randperm(len(X_train)).split(64):
            loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
'''),
        ("a small standard CNN: accurate, but over the parameter budget", '''
def fit_small(X_train, y_train):
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(15):
        for batch in torch.randperm(len(X_train)).split(64):
            loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
'''),
        ("global average pooling after 16 channels: where the strokes are is lost", '''
def fit_small(X_train, y_train):
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), nn.Conv2d(8, 16, 1), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(15):
        for batch in torch.randperm(len(X_train)).split(64):
            loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
'''),
    ],
    'lightweight-predict': [
        ("the size ratio as a percentage", '''
PREDICTION = {"size_ratio": 27, "drop_over_1_point": False}
'''),
        ("the drop in words", '''
PREDICTION = {"size_ratio": 0.27, "drop_over_1_point": "no"}
'''),
        ("the float32 size over the int8 one", '''
PREDICTION = {"size_ratio": 3.8, "drop_over_1_point": False}
'''),
    ],

    # ---------------------------------------------------------------- 03-reinforcement-learning
    'reinforcement-returns': [
        ("a forward loop: each step adds the rewards before it instead of after it", '''
def returns(rewards, dones, gamma):
    if rewards.dim() not in (1, 2) or not 0.0 <= gamma <= 1.0:
        raise ValueError("bad input")
    if dones is None:
        dones = torch.zeros(rewards.shape, dtype=torch.bool)
    if dones.shape != rewards.shape:
        raise ValueError("bad dones")
    out = torch.empty_like(rewards)
    running = torch.zeros(rewards.shape[:-1], dtype=rewards.dtype)
    for t in range(rewards.shape[-1]):
        running = rewards[..., t] + gamma * (~dones[..., t]).to(rewards.dtype) * running
        out[..., t] = running
    return out
'''),
        ("the running return reset before adding the reward of the step where the episode ends", '''
def returns(rewards, dones, gamma):
    if rewards.dim() not in (1, 2) or not 0.0 <= gamma <= 1.0:
        raise ValueError("bad input")
    if dones is None:
        dones = torch.zeros(rewards.shape, dtype=torch.bool)
    if dones.shape != rewards.shape:
        raise ValueError("bad dones")
    out = torch.empty_like(rewards)
    running = torch.zeros(rewards.shape[:-1], dtype=rewards.dtype)
    for t in range(rewards.shape[-1] - 1, -1, -1):
        running = (rewards[..., t] + gamma * running) * (~dones[..., t]).to(rewards.dtype)
        out[..., t] = running
    return out
'''),
        ("the episode ends ignored: the return runs on into the next episode", '''
def returns(rewards, dones, gamma):
    if rewards.dim() not in (1, 2) or not 0.0 <= gamma <= 1.0:
        raise ValueError("bad input")
    if dones is not None and dones.shape != rewards.shape:
        raise ValueError("bad dones")
    out = torch.empty_like(rewards)
    running = torch.zeros(rewards.shape[:-1], dtype=rewards.dtype)
    for t in range(rewards.shape[-1] - 1, -1, -1):
        running = rewards[..., t] + gamma * running
        out[..., t] = running
    return out
'''),
        ("the running return in float32, so float64 rewards come back as float32", '''
def returns(rewards, dones, gamma):
    if rewards.dim() not in (1, 2) or not 0.0 <= gamma <= 1.0:
        raise ValueError("bad input")
    if dones is None:
        dones = torch.zeros(rewards.shape, dtype=torch.bool)
    if dones.shape != rewards.shape:
        raise ValueError("bad dones")
    out = torch.zeros(rewards.shape)
    running = torch.zeros(rewards.shape[:-1])
    for t in range(rewards.shape[-1] - 1, -1, -1):
        running = rewards[..., t] + gamma * (~dones[..., t]).float() * running
        out[..., t] = running
    return out
'''),
    ],
    'reinforcement-grad': [
        ("the gradient of the logit z_a: the one-hot vector without - pi", '''
def reinforce_gradient(W, states, actions, G, baseline):
    if states.shape[1] != W.shape[1] or actions.shape != (states.shape[0],) or G.shape != (states.shape[0],):
        raise ValueError("shapes")
    score = F.one_hot(actions, W.shape[0]).to(W.dtype)
    return ((G - baseline)[:, None] * score).T @ states
'''),
        ("a mean over the steps instead of the sum", '''
def reinforce_gradient(W, states, actions, G, baseline):
    if states.shape[1] != W.shape[1] or actions.shape != (states.shape[0],) or G.shape != (states.shape[0],):
        raise ValueError("shapes")
    pi = torch.softmax(states @ W.T, 1)
    score = F.one_hot(actions, W.shape[0]).to(W.dtype) - pi
    return ((G - baseline)[:, None] * score).T @ states / len(G)
'''),
        ("the sign of the loss: minus the estimate, the direction that lowers the return", '''
def reinforce_gradient(W, states, actions, G, baseline):
    if states.shape[1] != W.shape[1] or actions.shape != (states.shape[0],) or G.shape != (states.shape[0],):
        raise ValueError("shapes")
    pi = torch.softmax(states @ W.T, 1)
    score = F.one_hot(actions, W.shape[0]).to(W.dtype) - pi
    return -((G - baseline)[:, None] * score).T @ states
'''),
        ("the baseline added instead of subtracted", '''
def reinforce_gradient(W, states, actions, G, baseline):
    if states.shape[1] != W.shape[1] or actions.shape != (states.shape[0],) or G.shape != (states.shape[0],):
        raise ValueError("shapes")
    pi = torch.softmax(states @ W.T, 1)
    score = F.one_hot(actions, W.shape[0]).to(W.dtype) - pi
    return ((G + baseline)[:, None] * score).T @ states
'''),
    ],
    'reinforcement-bug': [
        ("the colleague's loss unchanged: the advantage is not detached", '''
def baseline_loss(logits, actions, G, values):
    log_pi = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
    advantage = G - values
    return -(advantage * log_pi).mean() + (advantage ** 2).mean()
'''),
        ("the values detached everywhere: the baseline is never trained", '''
def baseline_loss(logits, actions, G, values):
    log_pi = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
    advantage = G - values.detach()
    return -(advantage * log_pi).mean() + (advantage ** 2).mean()
'''),
        ("the log-probabilities detached instead of the advantage: the policy gets no gradient", '''
def baseline_loss(logits, actions, G, values):
    log_pi = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
    advantage = G - values
    return -(advantage * log_pi.detach()).mean() + (advantage ** 2).mean()
'''),
        ("detached, but the policy term's sign flipped: the policy descends the return", '''
def baseline_loss(logits, actions, G, values):
    log_pi = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
    advantage = G - values
    return (advantage.detach() * log_pi).mean() + (advantage ** 2).mean()
'''),
    ],

    # ---------------------------------------------------------------- 04-cross-modal-ethics-safety
    'ethics-fairness': [
        ("the TPR and FPR divided by the group's size instead of by its positive and negative labels", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    approve, tpr, fpr = [], [], []
    for c in torch.unique(a):
        m = a == c
        if int((y[m] == 1).sum()) == 0 or int((y[m] == 0).sum()) == 0:
            raise ValueError("group")
        approve.append(p[m].double().mean().item())
        tpr.append(int((p[m] & y[m]).sum()) / int(m.sum()))
        fpr.append(int((p[m] & (1 - y[m])).sum()) / int(m.sum()))
    return max(approve) - min(approve), max(max(tpr) - min(tpr), max(fpr) - min(fpr))
'''),
        ("equal opportunity: only the true-positive rates compared", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    approve, tpr = [], []
    for c in torch.unique(a):
        m = a == c
        if int((y[m] == 1).sum()) == 0 or int((y[m] == 0).sum()) == 0:
            raise ValueError("group")
        approve.append(p[m].double().mean().item())
        tpr.append(p[m & (y == 1)].double().mean().item())
    return max(approve) - min(approve), max(tpr) - min(tpr)
'''),
        ("the groups taken as 0 and 1: other codes and a third group ignored", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    rates = []
    for c in (0, 1):
        m = a == c
        if int((y[m] == 1).sum()) == 0 or int((y[m] == 0).sum()) == 0:
            raise ValueError("group")
        rates.append((p[m].double().mean().item(), p[m & (y == 1)].double().mean().item(),
                      p[m & (y == 0)].double().mean().item()))
    (s0, t0, f0), (s1, t1, f1) = rates
    return abs(s0 - s1), max(abs(t0 - t1), abs(f0 - f1))
'''),
        ("no check for a group without positives or negatives: nan instead of an error", '''
import torch
def fairness_gaps(y_true, y_pred, group):
    y, p, a = (torch.as_tensor(v) for v in (y_true, y_pred, group))
    if y.dim() != 1 or y.shape != p.shape or y.shape != a.shape:
        raise ValueError("shapes")
    if not bool(((y == 0) | (y == 1)).all()) or not bool(((p == 0) | (p == 1)).all()):
        raise ValueError("not binary")
    y, p = y.long(), p.long()
    approve, tpr, fpr = [], [], []
    for c in torch.unique(a):
        m = a == c
        approve.append(p[m].double().mean().item())
        tpr.append(p[m & (y == 1)].double().mean().item())
        fpr.append(p[m & (y == 0)].double().mean().item())
    return max(approve) - min(approve), max(max(tpr) - min(tpr), max(fpr) - min(fpr))
'''),
    ],
    'ethics-predict': [
        ("the advantages as percentages", '''
PREDICTION = {"overfit": 24.3, "early": 11.7}
'''),
        ("a key missing", '''
PREDICTION = {"overfit": 0.243}
'''),
        ("an answer in words", '''
PREDICTION = {"overfit": "larger", "early": "smaller"}
'''),
    ],
    'safety-fgsm-grad': [
        ("the sign of y - p: a step down the loss", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    if x.dim() != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],):
        raise ValueError("shapes")
    p = torch.sigmoid(x @ w + b)
    return x + eps * torch.sign((y.to(x.dtype) - p)[:, None] * w[None, :])
'''),
        ("the gradient itself, without the sign", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    if x.dim() != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],):
        raise ValueError("shapes")
    p = torch.sigmoid(x @ w + b)
    return x + eps * (p - y.to(x.dtype))[:, None] * w[None, :]
'''),
        ("sign(w) alone: the label ignored", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    if x.dim() != 2 or w.shape != (x.shape[1],) or y.shape != (x.shape[0],):
        raise ValueError("shapes")
    return x + eps * torch.sign(w)[None, :].expand_as(x)
'''),
        ("no shape checks", '''
import torch
def fgsm_logistic(x, y, w, b, eps):
    p = torch.sigmoid(x @ w + b)
    return x + eps * torch.sign((p - y.to(x.dtype))[..., None] * w)
'''),
    ],

    # ---------------------------------------------------------------- 05-tools-frameworks
    'tools-predict': [
        ("the export's outcome in other words than the offered ones", '''
PREDICTION = {"traced": [0.0, 0.0, 2.5], "export": "error", "compiled": [1.0, 2.0, -2.5]}
'''),
        ("the traced output as a tensor, which is computed, not predicted", '''
PREDICTION = {"traced": torch.tensor([0.0, 0.0, 2.5]), "export": "raises an error", "compiled": [1.0, 2.0, -2.5]}
'''),
        ("a key missing", '''
PREDICTION = {"traced": [0.0, 0.0, 2.5], "export": "raises an error"}
'''),
    ],
    'tools-deploy': [
        ("exported in training mode: the exporter warns", '''
def deploy(model, example, path):
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.detach().cpu().numpy()})[0])
'''),
        ("eval mode for the export, and the model left in it", '''
def deploy(model, example, path):
    model.eval()
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.detach().cpu().numpy()})[0])
'''),
        ("the batch size of the example baked into the graph", '''
def deploy(model, example, path):
    was_training = model.training
    model.eval()
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False)
    model.train(was_training)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.detach().cpu().numpy()})[0])
'''),
        ("x.numpy() on a tensor that requires gradients", '''
def deploy(model, example, path):
    was_training = model.training
    model.eval()
    torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                      dynamic_shapes=({0: torch.export.Dim("batch")},))
    model.train(was_training)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.numpy()})[0])
'''),
    ],

    # ---------------------------------------------------------------- 06-outlook
    'outlook-flops': [
        ("the rule 6 N B for every layer: the first layer's input gradient counted", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    if len(sizes) < 2 or min(sizes) < 1 or batch < 1:
        raise ValueError("bad sizes")
    return sum(6 * batch * m * n for m, n in zip(sizes[:-1], sizes[1:]))
'''),
        ("a multiply-add counted as one operation", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    if len(sizes) < 2 or min(sizes) < 1 or batch < 1:
        raise ValueError("bad sizes")
    total = 0
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += (3 if i > 0 or input_requires_grad else 2) * batch * m * n
    return total
'''),
        ("input_requires_grad ignored", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    if len(sizes) < 2 or min(sizes) < 1 or batch < 1:
        raise ValueError("bad sizes")
    total = 0
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += (6 if i > 0 else 4) * batch * m * n
    return total
'''),
        ("no check of the widths", '''
def mlp_training_flops(sizes, batch, input_requires_grad=False):
    total = 0
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += (6 if i > 0 or input_requires_grad else 4) * batch * m * n
    return total
'''),
    ],
    'outlook-energy': [
        ("the estimate as a string with units", '''
PREDICTION = {"training_flops": "1 GFLOP", "larger": "one GPT-3 token"}
'''),
        ("the comparison answered with a name not offered", '''
PREDICTION = {"training_flops": 1.0e9, "larger": "GPT-3"}
'''),
        ("an impossible estimate of zero operations", '''
PREDICTION = {"training_flops": 0, "larger": "the CNN's training"}
'''),
    ],

}
