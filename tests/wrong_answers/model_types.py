"""Plausible wrong answers for this chapter's exercises (see ``tests/wrong_answers/__init__.py``)."""

import torch

WRONG: dict[str, list[tuple[str, str]]] = {
    # ------------------------------------------------------------------ 01-fnn
    'fnn-forward': [
        ("hard-codes ReLU between layers, ignoring the activation argument", '''
def mlp_forward(x, weights, biases, activation):
    h = x
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if i < len(weights) - 1:
            h = torch.relu(h)
    return h
'''),
        ("flattens the input to (batch, n_0) and never restores the leading dimensions", '''
def mlp_forward(x, weights, biases, activation):
    h = x.reshape(-1, x.shape[-1])
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if i < len(weights) - 1:
            h = activation(h)
    return h
'''),
        ("always applies the activation after the first layer, even when it is the only (output) layer", '''
def mlp_forward(x, weights, biases, activation):
    h = activation(x @ weights[0].T + biases[0])
    for i in range(1, len(weights)):
        h = h @ weights[i].T + biases[i]
        if i < len(weights) - 1:
            h = activation(h)
    return h
'''),
        ("runs the forward pass under torch.no_grad(), so nothing is differentiable", '''
def mlp_forward(x, weights, biases, activation):
    with torch.no_grad():
        h = x
        for i, (W, b) in enumerate(zip(weights, biases)):
            h = h @ W.T + b
            if i < len(weights) - 1:
                h = activation(h)
    return h
'''),
    ],
    'fnn-shift': [
        ("assumes square images: uses the width for both axes", '''
def shift_images(images, dx, dy):
    n = images.shape[-1]
    out = torch.zeros_like(images)
    if abs(dx) >= n or abs(dy) >= n:
        return out
    out[..., max(dy, 0):n + min(dy, 0), max(dx, 0):n + min(dx, 0)] = \\
        images[..., max(-dy, 0):n - max(dy, 0), max(-dx, 0):n - max(dx, 0)]
    return out
'''),
        ("torch.roll, then zeroes the wrapped columns but forgets the wrapped rows", '''
def shift_images(images, dx, dy):
    out = torch.roll(images, shifts=(dy, dx), dims=(-2, -1))
    if dx > 0:
        out[..., :dx] = 0
    elif dx < 0:
        out[..., dx:] = 0
    return out
'''),
        ("no guard for shifts larger than the image: the slices no longer match", '''
def shift_images(images, dx, dy):
    H, W = images.shape[-2:]
    out = torch.zeros_like(images)
    out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
        images[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
        ("builds the output with torch.zeros(shape): always float32", '''
def shift_images(images, dx, dy):
    H, W = images.shape[-2:]
    out = torch.zeros(images.shape)
    if abs(dx) >= W or abs(dy) >= H:
        return out
    out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
        images[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
        ("shifts in place: writes into images itself", '''
def shift_images(images, dx, dy):
    H, W = images.shape[-2:]
    src = images.clone()
    images.zero_()
    if abs(dx) >= W or abs(dy) >= H:
        return images
    images[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
        src[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return images
'''),
    ],
    'fnn-predict': [
        ("writes the shape as a list", '''
predictions = {
    "output_shape": [6, 2, 10],
    "two_linear_layers_are_one": True,
    "accuracy_after_one_pixel": "30-70",
    "more_parameters": "A",
}
'''),
        ("writes the bool as a string", '''
predictions = {
    "output_shape": (6, 2, 10),
    "two_linear_layers_are_one": "True",
    "accuracy_after_one_pixel": "30-70",
    "more_parameters": "A",
}
'''),
        ("gives a number instead of one of the offered ranges", '''
predictions = {
    "output_shape": (6, 2, 10),
    "two_linear_layers_are_one": False,
    "accuracy_after_one_pixel": "45",
    "more_parameters": "B",
}
'''),
        ("leaves out a prediction", '''
predictions = {
    "output_shape": (6, 2, 10),
    "two_linear_layers_are_one": True,
    "accuracy_after_one_pixel": "70-90",
}
'''),
    ],
    # ------------------------------------------------------------------ 02-cnn
    'cnn-conv2d': [
        ("fills a torch.zeros buffer: the output is always float32", '''
def conv2d_single(x, w):
    k = w.shape[0]
    H_out, W_out = x.shape[0] - k + 1, x.shape[1] - k + 1
    y = torch.zeros(H_out, W_out)
    for i in range(H_out):
        for j in range(W_out):
            y[i, j] = (w * x[i:i + k, j:j + k]).sum()
    return y
'''),
        ("collects .item() values into a new tensor: right values and dtype, but no gradient", '''
def conv2d_single(x, w):
    k = w.shape[0]
    H_out, W_out = x.shape[0] - k + 1, x.shape[1] - k + 1
    vals = [[(w * x[i:i + k, j:j + k]).sum().item() for j in range(W_out)] for i in range(H_out)]
    return torch.tensor(vals, dtype=x.dtype)
'''),
        ("flips the filter (true convolution instead of cross-correlation)", '''
def conv2d_single(x, w):
    k = w.shape[0]
    wf = w.flip(0, 1)
    H_out, W_out = x.shape[0] - k + 1, x.shape[1] - k + 1
    rows = [torch.stack([(wf * x[i:i + k, j:j + k]).sum() for j in range(W_out)]) for i in range(H_out)]
    return torch.stack(rows)
'''),
    ],
    'cnn-backward': [
        ("flips the filter for grad_x by hand, on top of the window arithmetic", '''
def conv2d_backward(x, w, grad_out):
    k = w.shape[-1]
    H_out, W_out = grad_out.shape[-2:]
    grad_x, grad_w = torch.zeros_like(x), torch.zeros_like(w)
    for u in range(k):
        for v in range(k):
            grad_w[:, :, u, v] = torch.einsum("boij,bcij->oc", grad_out, x[:, :, u:u + H_out, v:v + W_out])
            grad_x[:, :, u:u + H_out, v:v + W_out] += torch.einsum("boij,oc->bcij", grad_out, w[:, :, k - 1 - u, k - 1 - v])
    return grad_x, grad_w
'''),
        ("uses only the first sample of the batch for grad_w", '''
def conv2d_backward(x, w, grad_out):
    k = w.shape[-1]
    H_out, W_out = grad_out.shape[-2:]
    grad_x, grad_w = torch.zeros_like(x), torch.zeros_like(w)
    for u in range(k):
        for v in range(k):
            grad_w[:, :, u, v] = torch.einsum("oij,cij->oc", grad_out[0], x[0, :, u:u + H_out, v:v + W_out])
            grad_x[:, :, u:u + H_out, v:v + W_out] += torch.einsum("boij,oc->bcij", grad_out, w[:, :, u, v])
    return grad_x, grad_w
'''),
        ("assumes square images: the output width is taken from the height", '''
def conv2d_backward(x, w, grad_out):
    k = w.shape[-1]
    n = x.shape[-2] - k + 1
    grad_x, grad_w = torch.zeros_like(x), torch.zeros_like(w)
    for u in range(k):
        for v in range(k):
            go = grad_out[..., :n, :n]
            grad_w[:, :, u, v] = torch.einsum("boij,bcij->oc", go, x[:, :, u:u + n, v:v + n])
            grad_x[:, :, u:u + n, v:v + n] += torch.einsum("boij,oc->bcij", go, w[:, :, u, v])
    return grad_x, grad_w
'''),
        ("builds the gradients in torch.zeros(shape): always float32", '''
def conv2d_backward(x, w, grad_out):
    k = w.shape[-1]
    H_out, W_out = grad_out.shape[-2:]
    grad_x, grad_w = torch.zeros(x.shape), torch.zeros(w.shape)
    for u in range(k):
        for v in range(k):
            grad_w[:, :, u, v] = torch.einsum("boij,bcij->oc", grad_out, x[:, :, u:u + H_out, v:v + W_out])
            grad_x[:, :, u:u + H_out, v:v + W_out] += torch.einsum("boij,oc->bcij", grad_out, w[:, :, u, v])
    return grad_x, grad_w
'''),
        ("sums grad_x over the output channels with the filters' transpose (o and c swapped)", '''
def conv2d_backward(x, w, grad_out):
    k = w.shape[-1]
    H_out, W_out = grad_out.shape[-2:]
    grad_x, grad_w = torch.zeros_like(x), torch.zeros_like(w)
    for u in range(k):
        for v in range(k):
            grad_w[:, :, u, v] = torch.einsum("boij,bcij->oc", grad_out, x[:, :, u:u + H_out, v:v + W_out])
            grad_x[:, :, u:u + H_out, v:v + W_out] += torch.einsum("boij,oc->bcij", grad_out, w[:, :, v, u])
    return grad_x, grad_w
'''),
    ],
    'cnn-shape': [
        ("(n - k + 1) // stride: divides the stride-1 count instead of the steps", '''
def conv_output_shape(h, w, k, stride, padding):
    return (h + 2 * padding - k + 1) // stride, (w + 2 * padding - k + 1) // stride
'''),
        ("adds the padding to the output instead of to the input", '''
def conv_output_shape(h, w, k, stride, padding):
    return (h - k) // stride + 1 + 2 * padding, (w - k) // stride + 1 + 2 * padding
'''),
        ("counts the padding once (one side only)", '''
def conv_output_shape(h, w, k, stride, padding):
    return (h + padding - k) // stride + 1, (w + padding - k) // stride + 1
'''),
    ],
    'cnn-maxpool': [
        ("assumes square images: H / k blocks along both axes", '''
def max_pool2d_exercise(x, k):
    B, C, H, W = x.shape
    n = H // k
    return x.reshape(B, C, n, k, n, k).amax(dim=(3, 5))
'''),
        ("hard-codes 2x2 windows, ignoring k", '''
def max_pool2d_exercise(x, k):
    B, C, H, W = x.shape
    return x.reshape(B, C, H // 2, 2, W // 2, 2).amax(dim=(3, 5))
'''),
        ("reshapes to (B, C, H/k, W/k, k, k): the blocks mix rows and columns", '''
def max_pool2d_exercise(x, k):
    B, C, H, W = x.shape
    return x.reshape(B, C, H // k, W // k, k, k).amax(dim=(4, 5))
'''),
    ],
    'cnn-target': [
        ("the notebook's CNN and training, without augmentation", '''
def fit_shift_robust(X_train, y_train):
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(512, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(12):
        order = torch.randperm(len(X_train))
        for start in range(0, len(X_train), 64):
            batch = order[start:start + 64]
            loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
'''),
        ("global max pooling but no augmentation: the network never sees a shifted digit", '''
def fit_shift_robust(X_train, y_train):
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveMaxPool2d(1), torch.nn.Flatten(),
        torch.nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(15):
        order = torch.randperm(len(X_train))
        for start in range(0, len(X_train), 64):
            batch = order[start:start + 64]
            loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
'''),
        ("augments once, before training: one fixed shifted copy of each digit", '''
def fit_shift_robust(X_train, y_train):
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(512, 10))
    shifted = random_crop(X_train, 8, padding=2)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(12):
        order = torch.randperm(len(X_train))
        for start in range(0, len(X_train), 64):
            batch = order[start:start + 64]
            loss = F.cross_entropy(model(shifted[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
'''),
        ("an MLP that expects flattened images", '''
def fit_shift_robust(X_train, y_train):
    model = dnn.MLP(64, [128], 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(15):
        order = torch.randperm(len(X_train))
        for start in range(0, len(X_train), 64):
            batch = order[start:start + 64]
            images = random_crop(X_train[batch], 8, padding=2).flatten(1)
            loss = F.cross_entropy(model(images), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
'''),
    ],
    # ------------------------------------------------------------------ 03-rnn
    'rnn-forward': [
        ("feeds h0 to every step instead of the previous hidden state", '''
def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    outputs = []
    for t in range(x.shape[1]):
        h_t = torch.tanh(x[:, t] @ W_ih.T + b_ih + h0 @ W_hh.T + b_hh)
        outputs.append(h_t)
    return torch.stack(outputs, dim=1), h_t
'''),
        ("detaches the hidden state at every step (truncated backpropagation)", '''
def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    h, outputs = h0, []
    for x_t in x.unbind(1):
        h = torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        outputs.append(h)
        h = h.detach()
    return torch.stack(outputs, dim=1), h
'''),
        ("preallocates outputs with torch.zeros(B, T, Dh): always float32", '''
def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    B, T = x.shape[:2]
    outputs = torch.zeros(B, T, h0.shape[1])
    h = h0
    for t in range(T):
        h = torch.tanh(x[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        outputs[:, t] = h
    return outputs, h
'''),
        ("returns the states before each step: h_0 .. h_{T-1}", '''
def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    h, outputs = h0, []
    for x_t in x.unbind(1):
        outputs.append(h)
        h = torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
    return torch.stack(outputs, dim=1), h
'''),
        ("stacks the states along dim 0: time-major (T, B, Dh) instead of batch-first (B, T, Dh)", '''
def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    h, outputs = h0, []
    for x_t in x.unbind(1):
        h = torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        outputs.append(h)
    return torch.stack(outputs), h
'''),
    ],
    'rnn-lstm-step': [
        ("gates in the order i, f, o, g instead of torch's i, f, g, o", '''
def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    a_i, a_f, a_o, a_g = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=-1)
    c_t = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    h_t = torch.sigmoid(a_o) * torch.tanh(c_t)
    return h_t, c_t
'''),
        ("h_t from the old cell state c instead of c_t", '''
def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    a_i, a_f, a_g, a_o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=-1)
    c_t = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    h_t = torch.sigmoid(a_o) * torch.tanh(c)
    return h_t, c_t
'''),
        ("detaches the previous cell state (truncated backpropagation inside the step)", '''
def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    a_i, a_f, a_g, a_o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=-1)
    c_t = torch.sigmoid(a_f) * c.detach() + torch.sigmoid(a_i) * torch.tanh(a_g)
    h_t = torch.sigmoid(a_o) * torch.tanh(c_t)
    return h_t, c_t
'''),
        ("adds only b_ih, forgetting b_hh", '''
def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    a_i, a_f, a_g, a_o = (x @ W_ih.T + h @ W_hh.T + b_ih).chunk(4, dim=-1)
    c_t = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    h_t = torch.sigmoid(a_o) * torch.tanh(c_t)
    return h_t, c_t
'''),
    ],
    'rnn-windows': [
        ("no ValueError: a too-short series reaches torch.stack([])", '''
def make_windows(series, length):
    X = torch.stack([series[s:s + length] for s in range(len(series) - length)])
    return X.unsqueeze(-1), series[length:].unsqueeze(-1)
'''),
        ("raises only when N < L: N == L slips through", '''
def make_windows(series, length):
    if len(series) < length:
        raise ValueError("series too short")
    X = torch.stack([series[s:s + length] for s in range(len(series) - length)])
    return X.unsqueeze(-1), series[length:].unsqueeze(-1)
'''),
        ("fills a torch.zeros buffer: always float32", '''
def make_windows(series, length):
    N = len(series)
    if N <= length:
        raise ValueError("series too short")
    X = torch.zeros(N - length, length, 1)
    y = torch.zeros(N - length, 1)
    for s in range(N - length):
        X[s, :, 0] = series[s:s + length]
        y[s, 0] = series[s + length]
    return X, y
'''),
        ("one window too many: the last target runs past the series", '''
def make_windows(series, length):
    if len(series) <= length:
        raise ValueError("series too short")
    X = torch.stack([series[s:s + length] for s in range(len(series) - length + 1)])
    return X.unsqueeze(-1), series[length - 1:].unsqueeze(-1)
'''),
    ],
    # ------------------------------------------------------------------ 04-gan
    'gan-fix-step': [
        ("fixes the detach and the loss, but never clears the discriminator's gradients", '''
def gan_step(G, D, opt_G, opt_D, real, z):
    opt_G.zero_grad()
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(G(z)), non_saturating=True)
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
'''),
        ("fixes the gradients and the loss, but leaves the fakes attached to G in the discriminator step", '''
def gan_step(G, D, opt_G, opt_D, real, z):
    opt_G.zero_grad()
    opt_D.zero_grad()
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake))
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(G(z)), non_saturating=True)
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
'''),
        ("fixes the gradients and the detach, but keeps the saturating (minimax) loss", '''
def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake), non_saturating=False)
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
'''),
        ("scores the fakes for the generator with the discriminator before its step", '''
def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    fake_logits = D(fake)
    d_loss = discriminator_loss(D(real), fake_logits)
    g_loss = generator_loss(fake_logits)
    opt_D.zero_grad()
    d_loss.backward(retain_graph=True)
    opt_D.step()
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
'''),
        ("returns the losses as tensors", '''
def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.detach(), g_loss.detach()
'''),
        ("hands the step to dlcourse's train_step, the reference it re-implements", '''
def gan_step(G, D, opt_G, opt_D, real, z):
    from dlcourse.nn import gan as _g
    return _g.train_step(G, D, opt_G, opt_D, real, z)
'''),
    ],
    'gan-modes-covered': [
        ("credits each sample only to its nearest centre (one sample cannot cover two centres)", '''
def modes_covered(samples, centres, radius):
    d = torch.cdist(samples, centres)
    nearest = d.argmin(dim=1)
    close = d.min(dim=1).values <= radius
    return int(torch.unique(nearest[close]).numel())
'''),
        ("strict < radius: a sample exactly at the radius does not count", '''
def modes_covered(samples, centres, radius):
    return int((torch.cdist(samples, centres) < radius).any(dim=0).sum())
'''),
        ("min over the samples (the formula as written): fails on an empty set of samples", '''
def modes_covered(samples, centres, radius):
    return int((torch.cdist(samples, centres).min(dim=0).values <= radius).sum())
'''),
        ("hard-codes points in the plane (x and y only)", '''
def modes_covered(samples, centres, radius):
    dx = samples[:, None, 0] - centres[None, :, 0]
    dy = samples[:, None, 1] - centres[None, :, 1]
    return int(((dx ** 2 + dy ** 2).sqrt() <= radius).any(dim=0).sum())
'''),
    ],
    # ------------------------------------------------------------------ 05-transformer
    'transformer-attention': [
        ("hand-written softmax without subtracting the row maximum: overflows on large scores", '''
def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    e = scores.exp()
    return (e / e.sum(dim=-1, keepdim=True)) @ v
'''),
        ("divides the scores by D instead of sqrt(D)", '''
def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    return torch.softmax(scores, dim=-1) @ v
'''),
        ("zeroes the masked weights after the softmax without renormalising", '''
def attention(q, k, v, mask=None):
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    if mask is not None:
        weights = weights.masked_fill(~mask, 0.0)
    return weights @ v
'''),
        ("boolean-index assignment scores[~mask]: breaks on a mask that only broadcasts", '''
def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores[~mask] = torch.finfo(scores.dtype).min
    return torch.softmax(scores, dim=-1) @ v
'''),
    ],
    'transformer-causal-mask': [
        # the visible test can see the device only where CUDA is missing (a tensor crosses to the judge as data)
        *([("ignores the device argument", '''
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool).tril()
''')] if not torch.cuda.is_available() else []),
        ("tril(diagonal=1): lets each query see one key ahead", '''
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril(diagonal=1)
'''),
        ("triu: the upper triangle (queries see the future)", '''
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).triu()
'''),
        ("an additive float mask (0 and -inf) instead of a boolean one", '''
def causal_mask(T, device=None):
    return torch.full((T, T), float("-inf"), device=device).triu(1)
'''),
    ],
    'transformer-heads': [
        ("no divisibility check: view raises a RuntimeError, not a ValueError", '''
def split_heads(x, num_heads):
    B, T, E = x.shape
    return x.view(B, T, num_heads, E // num_heads).transpose(1, 2)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.transpose(1, 2).reshape(B, T, H * D)
'''),
        ("an assert instead of the ValueError", '''
def split_heads(x, num_heads):
    B, T, E = x.shape
    assert E % num_heads == 0, "E must be a multiple of num_heads"
    return x.view(B, T, num_heads, E // num_heads).transpose(1, 2)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.transpose(1, 2).reshape(B, T, H * D)
'''),
        ("merge_heads uses view after transpose: fails on a contiguous (B, H, T, D) input", '''
def split_heads(x, num_heads):
    B, T, E = x.shape
    if E % num_heads:
        raise ValueError(f"E={E} is not a multiple of num_heads={num_heads}")
    return x.view(B, T, num_heads, E // num_heads).transpose(1, 2)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.transpose(1, 2).view(B, T, H * D)
'''),
        ("the ValueError does not name the sizes", '''
def split_heads(x, num_heads):
    B, T, E = x.shape
    if E % num_heads:
        raise ValueError("the embedding size must be a multiple of the number of heads")
    return x.view(B, T, num_heads, E // num_heads).transpose(1, 2)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.transpose(1, 2).reshape(B, T, H * D)
'''),
        ("split_heads views (B, T, E) as (B, H, T, D) directly: heads mix positions and features", '''
def split_heads(x, num_heads):
    B, T, E = x.shape
    if E % num_heads:
        raise ValueError(f"E={E} is not a multiple of num_heads={num_heads}")
    return x.reshape(B, num_heads, T, E // num_heads)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.reshape(B, T, H * D)
'''),
    ],
    # ------------------------------------------------------------------ 08-vae
    'vae-gaussian-kl': [
        ("treats log_var as log s: s^2 = exp(2 * log_var)", '''
def gaussian_kl(mu, log_var):
    return 0.5 * (mu ** 2 + torch.exp(2 * log_var) - 2 * log_var - 1).sum(dim=-1)
'''),
        ("forgets the -1: the prior itself gets a KL of Z / 2", '''
def gaussian_kl(mu, log_var):
    return 0.5 * (mu ** 2 + log_var.exp() - log_var).sum(dim=-1)
'''),
        ("sums over the batch too: one number instead of one KL per example", '''
def gaussian_kl(mu, log_var):
    return 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).sum()
'''),
        ("averages over the latent dimensions instead of summing", '''
def gaussian_kl(mu, log_var):
    return 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).mean(dim=-1)
'''),
        ("drops the factor 1/2", '''
def gaussian_kl(mu, log_var):
    return (mu ** 2 + log_var.exp() - log_var - 1).sum(dim=-1)
'''),
        ("sums over dimension 1: right for (B, Z), wrong for a (2, 3, Z) input", '''
def gaussian_kl(mu, log_var):
    return 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).sum(dim=1)
'''),
        ("detaches its inputs: no gradient reaches mu and log_var", '''
def gaussian_kl(mu, log_var):
    mu, log_var = mu.detach(), log_var.detach()
    return 0.5 * (mu ** 2 + log_var.exp() - log_var - 1).sum(dim=-1)
'''),
    ],
    'vae-kl-grad': [
        ("the gradient of the sum over the batch, not of the mean", '''
def kl_grad(mu, log_var):
    return mu.clone(), 0.5 * (log_var.exp() - 1)
'''),
        ("differentiates with respect to s^2 instead of log s^2: (1 - 1/s^2) / 2", '''
def kl_grad(mu, log_var):
    B = mu.shape[0]
    return mu / B, 0.5 * (1 - torch.exp(-log_var)) / B
'''),
        ("drops the factor 1/2 of the log-variance gradient", '''
def kl_grad(mu, log_var):
    B = mu.shape[0]
    return mu / B, (log_var.exp() - 1) / B
'''),
        ("divides by the number of entries B * Z instead of the batch size", '''
def kl_grad(mu, log_var):
    n = mu.numel()
    return mu / n, 0.5 * (log_var.exp() - 1) / n
'''),
        ("divides in place: the caller's mu is changed", '''
def kl_grad(mu, log_var):
    B = mu.shape[0]
    return mu.div_(B), 0.5 * (log_var.exp() - 1) / B
'''),
    ],
    # ------------------------------------------------------------------ 06-transformer-decoder
    'decoder-predict': [
        ("writes the positions as a set, not a tuple in increasing order", '''
predictions = {
    "keys_seen_by_query_2": {0, 1},
    "cross_attention_output_shape": (2, 5, 16),
    "cross_attention_weights_shape": (2, 5, 7),
    "position_0_reads": "memory[:, 6] only",
}
'''),
        ("writes a shape as a list", '''
predictions = {
    "keys_seen_by_query_2": (0, 1, 2),
    "cross_attention_output_shape": [2, 5, 16],
    "cross_attention_weights_shape": (2, 7, 5),
    "position_0_reads": "both",
}
'''),
        ("answers in words the prompt does not offer", '''
predictions = {
    "keys_seen_by_query_2": (0, 1, 2),
    "cross_attention_output_shape": (2, 7, 16),
    "cross_attention_weights_shape": (2, 5, 7),
    "position_0_reads": "memory only",
}
'''),
        ("leaves out a prediction", '''
predictions = {
    "keys_seen_by_query_2": (0, 1, 2),
    "cross_attention_output_shape": (2, 5, 16),
    "position_0_reads": "memory[:, 6] only",
}
'''),
    ],
    'decoder-greedy': [
        ("takes the argmax of the first position's logits instead of the last", '''
def greedy_decode(model, src, max_len, bos, eos, pad):
    with torch.no_grad():
        padding = src == pad
        memory = model.encode(src, src_key_padding_mask=padding)
        written = torch.full((src.shape[0], 1), bos, dtype=torch.long)
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(max_len):
            token = model.decode(written, memory, memory_key_padding_mask=padding)[:, 0].argmax(-1)
            token = torch.where(done, torch.full_like(token, pad), token)
            done = done | (token == eos)
            written = torch.cat([written, token[:, None]], dim=1)
        return written[:, 1:]
'''),
        ("no padding mask: the encoder and cross-attention read the pad tokens", '''
def greedy_decode(model, src, max_len, bos, eos, pad):
    with torch.no_grad():
        memory = model.encode(src)
        written = torch.full((src.shape[0], 1), bos, dtype=torch.long)
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(max_len):
            token = model.decode(written, memory)[:, -1].argmax(-1)
            token = torch.where(done, torch.full_like(token, pad), token)
            done = done | (token == eos)
            written = torch.cat([written, token[:, None]], dim=1)
        return written[:, 1:]
'''),
        ("keeps writing after <eos> instead of padding", '''
def greedy_decode(model, src, max_len, bos, eos, pad):
    with torch.no_grad():
        padding = src == pad
        memory = model.encode(src, src_key_padding_mask=padding)
        written = torch.full((src.shape[0], 1), bos, dtype=torch.long)
        for _ in range(max_len):
            token = model.decode(written, memory, memory_key_padding_mask=padding)[:, -1].argmax(-1)
            written = torch.cat([written, token[:, None]], dim=1)
        return written[:, 1:]
'''),
        ("returns <bos> as the first column", '''
def greedy_decode(model, src, max_len, bos, eos, pad):
    with torch.no_grad():
        padding = src == pad
        memory = model.encode(src, src_key_padding_mask=padding)
        written = torch.full((src.shape[0], 1), bos, dtype=torch.long)
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(max_len):
            token = model.decode(written, memory, memory_key_padding_mask=padding)[:, -1].argmax(-1)
            token = torch.where(done, torch.full_like(token, pad), token)
            done = done | (token == eos)
            written = torch.cat([written, token[:, None]], dim=1)
        return written
'''),
        ("pads the <eos> itself: the row ends one token early", '''
def greedy_decode(model, src, max_len, bos, eos, pad):
    with torch.no_grad():
        padding = src == pad
        memory = model.encode(src, src_key_padding_mask=padding)
        written = torch.full((src.shape[0], 1), bos, dtype=torch.long)
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(max_len):
            token = model.decode(written, memory, memory_key_padding_mask=padding)[:, -1].argmax(-1)
            done = done | (token == eos)
            token = torch.where(done, torch.full_like(token, pad), token)
            written = torch.cat([written, token[:, None]], dim=1)
        return written[:, 1:]
'''),
    ],
    'decoder-fix-step': [
        ("shifts the target to the left instead of the right", '''
def train_step(model, optimizer, src, tgt, bos, pad):
    tgt_in = torch.cat([tgt[:, 1:], torch.full_like(tgt[:, :1], pad)], dim=1)
    logits = model(src, tgt_in, src_key_padding_mask=src == pad)
    loss = F.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=pad)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
'''),
        ("shifts the input and drops the first target: input and target are aligned again", '''
def train_step(model, optimizer, src, tgt, bos, pad):
    tgt_in = torch.cat([torch.full_like(tgt[:, :1], bos), tgt[:, :-1]], dim=1)
    logits = model(src, tgt_in, src_key_padding_mask=src == pad)
    loss = F.cross_entropy(logits[:, 1:].transpose(1, 2), tgt[:, :-1], ignore_index=pad)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
'''),
        ("counts the pad targets in the loss", '''
def train_step(model, optimizer, src, tgt, bos, pad):
    tgt_in = torch.cat([torch.full_like(tgt[:, :1], bos), tgt[:, :-1]], dim=1)
    logits = model(src, tgt_in, src_key_padding_mask=src == pad)
    loss = F.cross_entropy(logits.transpose(1, 2), tgt)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
'''),
        ("forgets zero_grad: the leftover gradients join the step's", '''
def train_step(model, optimizer, src, tgt, bos, pad):
    tgt_in = torch.cat([torch.full_like(tgt[:, :1], bos), tgt[:, :-1]], dim=1)
    logits = model(src, tgt_in, src_key_padding_mask=src == pad)
    loss = F.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=pad)
    loss.backward()
    optimizer.step()
    return loss.item()
'''),
        ("returns the loss tensor instead of a float", '''
def train_step(model, optimizer, src, tgt, bos, pad):
    tgt_in = torch.cat([torch.full_like(tgt[:, :1], bos), tgt[:, :-1]], dim=1)
    logits = model(src, tgt_in, src_key_padding_mask=src == pad)
    loss = F.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=pad)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss
'''),
    ],
    # ------------------------------------------------------------------ 07-residual-networks
    'residual-forward': [
        ("applies the last relu to the branch before the sum: relu(F(x)) + shortcut(x)", '''
def residual_block_forward(x, params, stride=1):
    def bn(h, name):
        return F.batch_norm(h, None, None, params[name + ".weight"], params[name + ".bias"], training=True)
    h = torch.relu(bn(F.conv2d(x, params["conv1.weight"], stride=stride, padding=1), "bn1"))
    branch = bn(F.conv2d(h, params["conv2.weight"], padding=1), "bn2")
    shortcut = x
    if "shortcut.0.weight" in params:
        shortcut = bn(F.conv2d(x, params["shortcut.0.weight"], stride=stride), "shortcut.1")
    return torch.relu(branch) + shortcut
'''),
        ("gives the stride to the second convolution instead of the first", '''
def residual_block_forward(x, params, stride=1):
    def bn(h, name):
        return F.batch_norm(h, None, None, params[name + ".weight"], params[name + ".bias"], training=True)
    h = torch.relu(bn(F.conv2d(x, params["conv1.weight"], padding=1), "bn1"))
    branch = bn(F.conv2d(h, params["conv2.weight"], stride=stride, padding=1), "bn2")
    shortcut = x
    if "shortcut.0.weight" in params:
        shortcut = bn(F.conv2d(x, params["shortcut.0.weight"], stride=stride), "shortcut.1")
    return torch.relu(shortcut + branch)
'''),
        ("a projection shortcut without its batch normalization", '''
def residual_block_forward(x, params, stride=1):
    def bn(h, name):
        return F.batch_norm(h, None, None, params[name + ".weight"], params[name + ".bias"], training=True)
    h = torch.relu(bn(F.conv2d(x, params["conv1.weight"], stride=stride, padding=1), "bn1"))
    branch = bn(F.conv2d(h, params["conv2.weight"], padding=1), "bn2")
    shortcut = x
    if "shortcut.0.weight" in params:
        shortcut = F.conv2d(x, params["shortcut.0.weight"], stride=stride)
    return torch.relu(shortcut + branch)
'''),
        ("normalises with fixed statistics (mean 0, variance 1) instead of the batch's", '''
def residual_block_forward(x, params, stride=1):
    def bn(h, name):
        zeros, ones = torch.zeros(h.shape[1], dtype=h.dtype), torch.ones(h.shape[1], dtype=h.dtype)
        return F.batch_norm(h, zeros, ones, params[name + ".weight"], params[name + ".bias"], training=False)
    h = torch.relu(bn(F.conv2d(x, params["conv1.weight"], stride=stride, padding=1), "bn1"))
    branch = bn(F.conv2d(h, params["conv2.weight"], padding=1), "bn2")
    shortcut = x
    if "shortcut.0.weight" in params:
        shortcut = bn(F.conv2d(x, params["shortcut.0.weight"], stride=stride), "shortcut.1")
    return torch.relu(shortcut + branch)
'''),
        ("always an identity shortcut: the sum fails when the shape changes", '''
def residual_block_forward(x, params, stride=1):
    def bn(h, name):
        return F.batch_norm(h, None, None, params[name + ".weight"], params[name + ".bias"], training=True)
    h = torch.relu(bn(F.conv2d(x, params["conv1.weight"], stride=stride, padding=1), "bn1"))
    branch = bn(F.conv2d(h, params["conv2.weight"], padding=1), "bn2")
    return torch.relu(x + branch)
'''),
    ],
    'residual-predict': [
        ("writes the shape as a list", '''
predictions = {
    "output_shape": [4, 32, 4, 4],
    "parameters": 14528,
    "shortcut_16_to_16_stride_2": "projection",
}
'''),
        ("writes the count as a string", '''
predictions = {
    "output_shape": (4, 32, 4, 4),
    "parameters": "14528",
    "shortcut_16_to_16_stride_2": "projection",
}
'''),
        ("answers with another word than the two offered", '''
predictions = {
    "output_shape": (4, 32, 4, 4),
    "parameters": 14528,
    "shortcut_16_to_16_stride_2": "1x1 convolution",
}
'''),
        ("leaves out a prediction", '''
predictions = {
    "output_shape": (4, 32, 8, 8),
    "parameters": 14016,
}
'''),
    ],
}
