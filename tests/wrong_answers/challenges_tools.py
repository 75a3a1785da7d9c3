"""Plausible wrong answers for Chapter 6's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-challenges

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

    # ---------------------------------------------------------------- 04-cross-modal-ethics-safety

    # ---------------------------------------------------------------- 05-tools-frameworks

    # ---------------------------------------------------------------- 06-outlook

}
