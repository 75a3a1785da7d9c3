"""Speed of dlcourse's reference implementations as a ratio to PyTorch's built-ins (forward + backward).

    .venv/bin/python benchmarks/bench_reference.py               # CPU, and CUDA too when available
    .venv/bin/python benchmarks/bench_reference.py --device cpu

A ratio of 2.0 means ours takes twice the built-in's time. Targets on CPU (reported here, never
enforced in unit tests; exit status 1 when one is missed, so the script can gate a release):
- "elementwise" (relu, sigmoid, tanh, bce_with_logits) within 20x: each is a chain of 3 to 8
  memory-bound elementwise kernels, forward and backward, where the built-in runs one fused kernel;
- "dropout" (dlcourse.nn.dropout at p = 0.5, mask drawn in every call) within 3x of F.dropout: a uniform
  draw, a comparison and two elementwise products, where the built-in draws a Bernoulli mask in place;
- "reduction" (softmax, log_softmax, mse_loss, cross_entropy) within 6x;
- "layer" (Linear, MLP) within 1.5x: the matrix product dominates, so ours must cost about the same;
- "step" (one GAN training step, ``dlcourse.nn.gan.train_step`` with dlcourse's MLP players and losses)
  within 1.5x of the same step built from ``nn.Sequential`` and ``F.binary_cross_entropy_with_logits``;
- "norm" (BatchNorm1d in training mode, LayerNorm; 256 x 512) within 20x, as "elementwise": ours is a chain of
  about ten reductions and elementwise kernels that autograd differentiates one by one, the built-in one fused
  kernel each way;
- "vae" (``dlcourse.nn.vae.elbo_loss`` with ``reparameterize``: 256 examples, D = 64, Z = 2) within 3x of the same
  loss from ``Normal.rsample``, ``kl_divergence`` and ``F.binary_cross_entropy_with_logits``: a handful of
  elementwise kernels on small tensors, where launch overhead and the distributions' argument checks weigh;
- "block" (one TransformerDecoderLayer, causal self-attention and cross-attention, B 32, T 32, S 48, D 128, h 4)
  within 2x of ``torch.nn.TransformerDecoderLayer``, as the attention target of ``bench_models.py``: ours runs
  masking and softmax as separate kernels where torch calls its fused scaled dot-product attention;
- "resblock" (one ResidualBlock(16, 32, stride=2) with its projection shortcut, training mode, 64 images of 16 x 8 x 8)
  within 6x of the same block composed from ``nn.Conv2d``, ``nn.BatchNorm2d`` and ``F.relu``: dlcourse's convolutions
  copy every patch (im2col) and its batch norm is the unfused chain of "norm", where torch runs one kernel each;
- "graph" (one GCNConv(64, 64) on a random graph of 2,000 nodes and 20,000 edges) within 2x of PyTorch
  Geometric's ``GCNConv`` with the same weights: both normalise the edges (self-loops, degrees) in every call and sum
  the messages with a scatter-add; PyG's message-passing machinery and ours are the same kernels in another order.
- "check" (numerical_gradient of a 16 x 32 weight) within 2x of ``torch.autograd.gradcheck``, which computes
  the same central differences (plus one backward pass to compare with).
- "clip" (``dlcourse.optim_clip.clip_grad_norm_`` on the gradients of a 1024-512-512-10 MLP) within 3x of
  ``torch.nn.utils.clip_grad_norm_``: one norm and one in-place product per tensor in a Python loop, where the
  built-in runs PyTorch's multi-tensor (foreach) kernels.
- "ntxent" (``dlcourse.nn.nt_xent_loss``: N = 256 pairs, D = 128, temperature 0.5) within 3x of the same loss as
  ``F.cross_entropy`` on the masked similarity matrix of ``F.normalize``'d views (there is no torch built-in for
  NT-Xent): the matrix product is shared, ours runs the log-softmax of dlcourse.nn.cross_entropy as separate kernels.
- "fedavg" (``dlcourse.federated.fedavg`` of 10 state dicts of a 64-256-256-10 MLP with weights n_j) within 2x of
  the plain average, ``torch.stack`` and a weighted sum per key: ours is the same stack and sum plus its checks of
  keys, shapes and dtypes and the normalisation of the weights.
- "gpt" (``dlcourse.nn.gpt.GPT``: V 62, T 32, D 64, h 4, L 2, batch 32) within 2x of the same model composed from
  ``nn.Embedding``, ``nn.TransformerEncoderLayer(norm_first=True)`` with a causal mask, ``nn.LayerNorm`` and
  ``nn.Linear``, as "block": the same unfused attention against torch's fused kernel;
- "distill" (``dlcourse.nn.distillation_loss`` on (32, 32, 62) logits, tau 2) within 6x of ``F.kl_div`` with
  ``log_target=True`` on two ``F.log_softmax``, as "reduction".
- "loop" (``dlcourse.vision.box_iou`` of 300 x 300 boxes, ``nms`` of 300 boxes at IoU 0.5) at most 1x of the plain
  Python loops of their definitions, pair by pair: a detector runs them on every
  image, and the vectorised forms must not be slower than the loops they replace (they are far faster);
- "coco" (``box_iou`` of 300 x 300 boxes) within 3x of pycocotools' ``mask.iou``, the C code behind COCO's
  evaluation: both compute the same matrix, ours as a dozen broadcast tensor kernels over (N, M, 2) temporaries
  where the C code runs one loop over the pairs.
- "medical" (20,000 binary labels and scores: ``dlcourse.metrics.sensitivity_specificity`` at one threshold against
  ``sklearn.metrics.confusion_matrix``, ``dlcourse.calibration.calibration_curve`` against scikit-learn's and
  ``expected_calibration_error`` against torchmetrics' ``binary_calibration_error``, 10 bins) within 3x: no backward
  pass, each a comparison or a bucketize and a few bincounts on both sides.
- "stft" (``dlcourse.audio.spectrogram``: 64 waveforms of 5,200 samples, n_fft 256, hop 80, the speech notebook's
  sizes) within 3x of ``torch.stft(...).abs() ** 2`` with the same Hann window: ours pads, frames by ``unfold`` and
  multiplies by the real DFT matrices, O(N^2) per frame, where torch runs the FFT, O(N log N).
- "bleu" (``dlcourse.text.bleu``: corpus BLEU-4 of 200 candidates of 8 to 24 words, two references each) within 2x
  of ``torchmetrics.text.BLEUScore`` (update and compute) on the same tokens joined by spaces, CPU only: both count
  n-grams with Python ``Counter``s; torchmetrics also splits the strings and accumulates in tensors.
- "astar" (``dlcourse.planning.astar`` on a 64 x 64 cost map with 20 % blocked cells, corner to corner) within 2x of
  ``networkx.astar_path`` with the same Manhattan heuristic on the same grid as a graph (built once, outside the
  timing): both are a binary heap in pure Python; ours reads the map into lists first, networkx walks its dicts.
- "separable" (``dlcourse.nn.DepthwiseSeparableConv2d(32, 64, 3, padding=1)`` on 64 images of 32 x 16 x 16, forward
  and backward) within 10x of torch's depthwise ``Conv2d(groups=32)`` and pointwise ``Conv2d(32, 64, 1)`` with its
  weights: the depthwise step copies every patch (im2col, k^2 = 9 times the input) and contracts it with an einsum,
  where torch runs one grouped kernel that reads the input in place. (The einsum keeps its operations visible to
  ``FlopCounterMode``, so ``dlcourse.compute.count_flops`` counts the layer like torch's.)
- "cliploss" (``dlcourse.nn.clip_loss`` of 256 image and text embeddings of 128 dimensions) within 3x of the two
  ``F.cross_entropy`` of the normalised similarity matrix written out, by rows and by columns.
- "fairness" (20,000 labels, predictions and 4 groups: ``dlcourse.fairness.equalized_odds_difference``) within 3x of
  scikit-learn's ``confusion_matrix`` of each group, as "medical": masks and counts on both sides.
- "returns" (``dlcourse.rl.returns_to_go`` of 64 streams of 200 rewards with episode ends) within 4x of the plain
  Python loop of the recursion over floats: both walk the 200 steps backwards, ours a column of 64 at a time with
  three small tensor operations per step, whose dispatch costs more than 64 float additions in Python; ours wins
  on longer batches and keeps the tensors on the device.
On CUDA the ratios are printed without targets (launch overhead dominates at these sizes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

import dlcourse.nn as dnn

TARGETS = {"elementwise": 20.0, "dropout": 3.0, "reduction": 6.0, "layer": 1.5, "step": 1.5, "check": 2.0,
           "norm": 20.0, "vae": 3.0, "clip": 3.0, "block": 2.0, "resblock": 6.0,
           "ntxent": 3.0, "graph": 2.0, "fedavg": 2.0, "gpt": 2.0, "distill": 6.0,
           "loop": 1.0, "coco": 3.0, "medical": 3.0, "stft": 3.0, "astar": 2.0,
           "bleu": 2.0, "separable": 10.0, "cliploss": 3.0, "fairness": 3.0, "returns": 4.0}
Case = tuple[str, str, Callable[[], None], Callable[[], None]]  # (name, kind, ours, built-in)


def _time(fn: Callable[[], None], device: torch.device, repeats: int = 50) -> float:
    """Median seconds of ``fn`` after warm-up, synchronising CUDA around each call."""
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(5):
        fn()
    samples = []
    for _ in range(repeats):
        sync()
        start = time.perf_counter()
        fn()
        sync()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _fwd_bwd(f: Callable[..., torch.Tensor], *inputs: torch.Tensor) -> Callable[[], None]:
    def run() -> None:
        for x in inputs:
            x.grad = None
        f(*inputs).sum().backward()
    return run


def _gan_steps(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """One GAN step on 256 points in 8-D: dlcourse's players and ``train_step`` vs the same step in built-ins."""
    from dlcourse.nn.gan import Discriminator, Generator, train_step

    real = torch.randn(256, 8, generator=g).to(device)  # (B, D)
    z = torch.randn(256, 16, generator=g).to(device)    # (B, Z)
    # torch.relu as the activation, as the notebook does: the step and the losses are what is measured
    G = Generator(16, [128, 128], 8, activation=torch.relu).to(device)
    D = Discriminator(8, [128, 128], activation=torch.relu).to(device)
    G_ref = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 8)).to(device)
    D_ref = nn.Sequential(nn.Linear(8, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1)).to(device)
    opts = [torch.optim.SGD(m.parameters(), lr=1e-4) for m in (G, D, G_ref, D_ref)]

    def builtin() -> None:
        fake = G_ref(z)
        logits = D_ref(torch.cat([real, fake.detach()])).squeeze(1)  # (2B,)
        d_loss = (F.binary_cross_entropy_with_logits(logits[:256], torch.ones(256, device=device))
                  + F.binary_cross_entropy_with_logits(logits[256:], torch.zeros(256, device=device)))
        opts[3].zero_grad()
        d_loss.backward()
        opts[3].step()
        g_loss = F.binary_cross_entropy_with_logits(D_ref(fake).squeeze(1), torch.ones(256, device=device))
        opts[2].zero_grad()
        g_loss.backward()
        opts[2].step()
        d_loss.item(), g_loss.item()

    return (lambda: train_step(G, D, opts[0], opts[1], real, z) and None), builtin


def _vae_losses(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """The negative ELBO of 256 digits-sized examples (D = 64, Z = 2), forward and backward: dlcourse's
    ``reparameterize`` and ``elbo_loss`` vs ``Normal.rsample``, ``kl_divergence`` and PyTorch's BCE."""
    from torch.distributions import Normal, kl_divergence

    from dlcourse.nn.vae import elbo_loss, reparameterize

    x = torch.rand(256, 64, generator=g).to(device)                     # (B, D) pixels in [0, 1]
    mu = torch.randn(256, 2, generator=g).to(device).requires_grad_()   # (B, Z)
    log_var = (0.5 * torch.randn(256, 2, generator=g)).to(device).requires_grad_()
    W = (0.5 * torch.randn(64, 2, generator=g)).to(device).requires_grad_()  # a linear decoder (D, Z)
    inputs = (mu, log_var, W)

    def ours() -> None:
        z = reparameterize(mu, log_var)  # (B, Z)
        elbo_loss(z @ W.T, x, mu, log_var)[0].backward()  # (B, Z) @ (Z, D) -> (B, D)

    def builtin() -> None:
        q = Normal(mu, (0.5 * log_var).exp())
        z = q.rsample()
        prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
        rec = F.binary_cross_entropy_with_logits(z @ W.T, x, reduction="sum") / len(x)
        (rec + kl_divergence(q, prior).sum(-1).mean()).backward()

    def clear(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            for t in inputs:
                t.grad = None
            fn()
        return run

    return clear(ours), clear(builtin)


def _decoder_layers(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """Forward and backward through one decoder layer (causal self-attention, cross-attention, FFN), both ways."""
    tgt = torch.randn(32, 32, 128, generator=g).to(device).requires_grad_()     # (B, T, D)
    memory = torch.randn(32, 48, 128, generator=g).to(device).requires_grad_()  # (B, S, D)
    causal = ~torch.ones(32, 32, dtype=torch.bool, device=device).tril()        # (T, T) True = masked out
    ref = nn.TransformerDecoderLayer(128, 4, dim_feedforward=256, dropout=0.0, batch_first=True).to(device)
    ours = dnn.TransformerDecoderLayer(128, 4, dim_feedforward=256).to(device)
    ours.load_state_dict(ref.state_dict())
    return (_fwd_bwd(lambda t, m: ours(t, m, tgt_is_causal=True), tgt, memory),
            _fwd_bwd(lambda t, m: ref(t, m, tgt_mask=causal, tgt_is_causal=True), tgt, memory))


def _residual_blocks(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """dlcourse's ResidualBlock against the same block composed from torch.nn layers, with its weights."""
    x = torch.randn(64, 16, 8, 8, generator=g).to(device).requires_grad_()  # (B, C, H, W)
    ours = dnn.ResidualBlock(16, 32, stride=2).to(device)
    conv1, bn1 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32)
    conv2, bn2 = nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
    shortcut = nn.Sequential(nn.Conv2d(16, 32, 1, stride=2, bias=False), nn.BatchNorm2d(32))
    ref = nn.ModuleDict(dict(conv1=conv1, bn1=bn1, conv2=conv2, bn2=bn2, shortcut=shortcut)).to(device)
    ref.load_state_dict(ours.state_dict())

    def composed(t: torch.Tensor) -> torch.Tensor:
        return F.relu(ref["shortcut"](t) + ref["bn2"](ref["conv2"](F.relu(ref["bn1"](ref["conv1"](t))))))

    return _fwd_bwd(ours, x), _fwd_bwd(composed, x)


def _nt_xent(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """NT-Xent of 256 pairs of 128-d views: dlcourse's against ``F.cross_entropy`` on the masked similarities."""
    z1 = torch.randn(256, 128, generator=g).to(device).requires_grad_()  # (N, D)
    z2 = torch.randn(256, 128, generator=g).to(device).requires_grad_()  # (N, D)
    n = len(z1)
    self_pair = torch.eye(2 * n, dtype=torch.bool, device=device)  # (2N, 2N)
    positive = torch.cat([torch.arange(n, 2 * n), torch.arange(n)]).to(device)  # (2N,)

    def masked_cross_entropy(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        u = F.normalize(torch.cat([a, b]), dim=1)  # (2N, D)
        logits = (u @ u.T / 0.5).masked_fill(self_pair, float("-inf"))  # (2N, D) @ (D, 2N) -> (2N, 2N)
        return F.cross_entropy(logits, positive)

    return _fwd_bwd(dnn.nt_xent_loss, z1, z2), _fwd_bwd(masked_cross_entropy, z1, z2)


def _fedavg_states(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """The server's average of 10 clients' state dicts (an MLP 64-256-256-10): dlcourse's fedavg vs stack-and-sum."""
    from dlcourse.federated import fedavg

    states = []
    for _ in range(10):
        torch.manual_seed(int(torch.randint(0, 2**31, (1,), generator=g)))
        states.append(nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                                    nn.Linear(256, 10)).to(device).state_dict())
    n_j = torch.randint(50, 200, (10,), generator=g).tolist()
    w = torch.tensor(n_j, dtype=torch.float32, device=device) / sum(n_j)  # (J,)

    def plain() -> None:
        {key: (w.view(-1, *[1] * states[0][key].dim()) * torch.stack([s[key] for s in states])).sum(0)
         for key in states[0]}

    return lambda: fedavg(states, n_j) and None, plain


def _graph_convs(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """dlcourse's GCNConv against PyTorch Geometric's, with the same weights, on a random graph."""
    import torch_geometric.nn as pyg_nn

    x = torch.randn(2000, 64, generator=g).to(device).requires_grad_()      # (N, D_in)
    edge_index = torch.randint(0, 2000, (2, 20000), generator=g).to(device)  # (2, E)
    ours, ref = dnn.GCNConv(64, 64).to(device), pyg_nn.GCNConv(64, 64).to(device)
    ours.load_state_dict(ref.state_dict())
    return _fwd_bwd(lambda t: ours(t, edge_index), x), _fwd_bwd(lambda t: ref(t, edge_index), x)


def _gpts(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """dlcourse's GPT against the same model composed from torch.nn modules, with its weights."""
    from dlcourse.nn.gpt import GPT, GPTConfig

    tokens = torch.randint(0, 62, (32, 32), generator=g).to(device)  # (B, T)
    ours = GPT(GPTConfig(vocab_size=62, block_size=32, d_model=64, nhead=4, num_layers=2)).to(device)
    blocks = nn.ModuleList(nn.TransformerEncoderLayer(64, 4, 256, dropout=0.0, activation="gelu", batch_first=True,
                                                      norm_first=True) for _ in range(2)).to(device)
    blocks.load_state_dict(ours.layers.state_dict())
    embed, pos = nn.Embedding(62, 64).to(device), nn.Embedding(32, 64).to(device)
    norm, head = nn.LayerNorm(64).to(device), nn.Linear(64, 62, bias=False).to(device)
    for mine, theirs in [(ours.tok_embed, embed), (ours.pos_embed, pos), (ours.norm, norm), (ours.head, head)]:
        theirs.load_state_dict(mine.state_dict())
    causal = nn.Transformer.generate_square_subsequent_mask(32, device=device)  # (T, T) -inf above the diagonal
    positions = torch.arange(32, device=device)

    def composed(t: torch.Tensor) -> torch.Tensor:
        x = embed(t) + pos(positions)  # (B, T, D)
        for block in blocks:
            x = block(x, src_mask=causal, is_causal=True)
        return head(norm(x))  # (B, T, V)

    def run(model: Callable[[torch.Tensor], torch.Tensor], params: list[torch.Tensor]) -> Callable[[], None]:
        def step() -> None:
            for p in params:
                p.grad = None
            model(tokens).sum().backward()
        return step

    theirs_params = [*blocks.parameters(), *embed.parameters(), *pos.parameters(), *norm.parameters(),
                     *head.parameters()]
    return run(ours, list(ours.parameters())), run(composed, theirs_params)


def _bleus(g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """Corpus BLEU-4 of 200 random candidates with two references each: dlcourse's bleu vs torchmetrics' BLEUScore."""
    from torchmetrics.text import BLEUScore

    from dlcourse.text import bleu

    def sentence() -> list[str]:
        n = int(torch.randint(8, 25, (1,), generator=g))
        return [f"w{i}" for i in torch.randint(0, 30, (n,), generator=g).tolist()]

    cands = [sentence() for _ in range(200)]
    refs = [[c[: len(c) // 2] + sentence(), sentence()] for c in cands]  # share some n-grams
    cand_text, ref_text = [" ".join(c) for c in cands], [[" ".join(r) for r in rs] for rs in refs]
    metric = BLEUScore(n_gram=4)

    def theirs() -> None:
        metric.reset()
        metric.update(cand_text, ref_text)  # update + compute: forward() would compute twice
        metric.compute()

    return lambda: bleu(cands, refs) and None, theirs


def _iou_pair(a: list[float], b: list[float]) -> float:
    """IoU of two xyxy boxes, as the definition reads: the plain-loop reference of the "loop" cases."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0


def _vision(device: torch.device, g: torch.Generator) -> list[Case]:
    """box_iou and nms of dlcourse.vision against plain loops, and box_iou against pycocotools' C code."""
    from pycocotools import mask as coco_mask

    from dlcourse.vision import box_iou, nms

    corner = torch.rand(300, 2, generator=g) * 100
    boxes = torch.cat([corner, corner + 5 + torch.rand(300, 2, generator=g) * 30], 1).to(device)  # (300, 4)
    scores = torch.rand(300, generator=g).to(device)
    as_lists = boxes.tolist()
    order = scores.argsort(descending=True).tolist()

    def iou_loop() -> None:
        [[_iou_pair(a, b) for b in as_lists] for a in as_lists]

    def nms_loop() -> None:
        keep, remaining = [], list(order)
        while remaining:
            best = remaining.pop(0)
            keep.append(best)
            remaining = [i for i in remaining if _iou_pair(as_lists[best], as_lists[i]) <= 0.5]

    def ours_iou() -> None:
        box_iou(boxes, boxes)

    def ours_nms() -> None:
        nms(boxes, scores, 0.5)

    out = [("box_iou", "loop", ours_iou, iou_loop), ("nms", "loop", ours_nms, nms_loop)]
    if device.type == "cpu":
        xywh = torch.cat([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], 1).double().numpy()
        boxes64 = boxes.double()
        def coco_iou() -> None:
            coco_mask.iou(xywh, xywh, [0] * len(xywh))

        out.append(("box_iou_coco", "coco", lambda: box_iou(boxes64, boxes64).sum() and None, coco_iou))
    return out


def _medical_metrics(device: torch.device, g: torch.Generator) -> list[Case]:
    """Sensitivity and specificity, the reliability curve and the ECE against scikit-learn and torchmetrics."""
    import sklearn.metrics as skm
    from sklearn.calibration import calibration_curve as sk_calibration_curve
    from torchmetrics.functional.classification import binary_calibration_error

    from dlcourse import calibration, metrics

    p = torch.rand(20000, generator=g, dtype=torch.float64)           # (N,) predicted probabilities
    y = (torch.rand(20000, generator=g, dtype=torch.float64) < p).long()
    p_np, y_np = p.numpy(), y.numpy()

    def sk_sens_spec() -> None:
        tn, fp, fn, tp = skm.confusion_matrix(y_np, (p_np >= 0.3).astype(int), labels=[0, 1]).ravel()
        tp / (tp + fn), tn / (tn + fp)

    p_dev, y_dev = p.to(device), y.to(device)
    return [("sens_spec", "medical", lambda: metrics.sensitivity_specificity(y, p, 0.3) and None, sk_sens_spec),
            ("calib_curve", "medical", lambda: calibration.calibration_curve(y_dev, p_dev, 10) and None,
             lambda: sk_calibration_curve(y_np, p_np, n_bins=10) and None),
            ("ece", "medical", lambda: calibration.expected_calibration_error(y_dev, p_dev, 10) and None,
             lambda: binary_calibration_error(p_dev, y_dev, n_bins=10) and None)]
def _astar_searches(device: torch.device, g: torch.Generator) -> tuple[Callable[[], None], Callable[[], None]]:
    """dlcourse's A* against networkx's on a random 64 x 64 cost map (on the CPU: the search is pure Python)."""
    import networkx as nx

    from dlcourse.planning import astar, manhattan, to_networkx

    cost = 1 + 9 * torch.rand(64, 64, generator=g)  # (H, W)
    cost[torch.rand(64, 64, generator=g) < 0.2] = float("inf")
    cost[0, 0] = cost[-1, -1] = 1.0
    graph, h = to_networkx(cost), manhattan(cost, (63, 63))
    return (lambda: astar(cost, (0, 0), (63, 63)) and None,
            lambda: nx.astar_path(graph, (0, 0), (63, 63), heuristic=lambda u, v: h(u)) and None)


def _chapter6(device: torch.device, g: torch.Generator) -> list[Case]:
    """Chapter 6's references: the separable convolution, CLIP's loss, a fairness gap and the returns."""
    import sklearn.metrics as skm

    from dlcourse.fairness import equalized_odds_difference
    from dlcourse.rl import returns_to_go

    sep = dnn.DepthwiseSeparableConv2d(32, 64, 3, padding=1).to(device)
    dw = nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False).to(device)
    pw = nn.Conv2d(32, 64, 1).to(device)
    with torch.no_grad():
        dw.weight.copy_(sep.weight_dw)
        pw.weight.copy_(sep.weight_pw)
        pw.bias.copy_(sep.bias)
    images = torch.randn(64, 32, 16, 16, generator=g).to(device).requires_grad_()  # (B, C, H, W)
    out = [("DepthwiseSeparableConv2d", "separable", _fwd_bwd(sep, images), _fwd_bwd(lambda t: pw(dw(t)), images))]

    img = torch.randn(256, 128, generator=g).to(device).requires_grad_()  # (N, D) image embeddings
    txt = torch.randn(256, 128, generator=g).to(device)                   # (N, D) text embeddings
    labels = torch.arange(256, device=device)

    def written_out(a: torch.Tensor) -> torch.Tensor:
        sim = F.normalize(a, dim=1) @ F.normalize(txt, dim=1).T / 0.07       # (N, N)
        return (F.cross_entropy(sim, labels) + F.cross_entropy(sim.T, labels)) / 2

    out.append(("clip_loss", "cliploss", _fwd_bwd(lambda a: dnn.clip_loss(a, txt, 0.07), img),
                _fwd_bwd(written_out, img)))
    if device.type == "cpu":
        y_true = torch.randint(0, 2, (20_000,), generator=g)
        y_pred = torch.randint(0, 2, (20_000,), generator=g)
        group = torch.randint(0, 4, (20_000,), generator=g)
        yt, yp, gr = y_true.numpy(), y_pred.numpy(), group.numpy()

        def sklearn_gap() -> None:
            tpr, fpr = [], []
            for k in range(4):
                tn, fp, fn, tp = skm.confusion_matrix(yt[gr == k], yp[gr == k], labels=[0, 1]).ravel()
                tpr.append(tp / (tp + fn))
                fpr.append(fp / (fp + tn))
            max(max(tpr) - min(tpr), max(fpr) - min(fpr))

        out.append(("equalized_odds_difference", "fairness",
                    lambda: [equalized_odds_difference(y_true, y_pred, group)] and None, sklearn_gap))
        rewards = torch.randn(64, 200, generator=g, dtype=torch.float64)
        dones = torch.rand(64, 200, generator=g) < 0.05
        r_rows, d_rows = rewards.tolist(), dones.tolist()

        def loop() -> None:
            for r, d in zip(r_rows, d_rows):
                running, row = 0.0, [0.0] * len(r)
                for t in range(len(r) - 1, -1, -1):
                    running = r[t] + 0.99 * (0.0 if d[t] else running)
                    row[t] = running

        out.append(("returns_to_go", "returns", lambda: [returns_to_go(rewards, 0.99, dones)] and None, loop))
    return out


def cases(device: torch.device) -> list[Case]:
    g = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(256, 1024, generator=g).to(device).requires_grad_()
    logits = (3 * torch.randn(512, 100, generator=g)).to(device).requires_grad_()
    target = torch.randint(0, 100, (512,), generator=g).to(device)
    y = torch.rand(256, 1024, generator=g).to(device)
    out = []
    for name, ours, ref in [("relu", dnn.relu, torch.relu), ("sigmoid", dnn.sigmoid, torch.sigmoid),
                            ("tanh", dnn.tanh, torch.tanh)]:
        out.append((name, "elementwise", _fwd_bwd(ours, x), _fwd_bwd(ref, x)))
    for name, ours, ref in [("softmax", lambda t: dnn.softmax(t, -1), lambda t: torch.softmax(t, -1)),
                            ("log_softmax", lambda t: dnn.log_softmax(t, -1), lambda t: torch.log_softmax(t, -1))]:
        out.append((name, "reduction", _fwd_bwd(ours, x), _fwd_bwd(ref, x)))
    out.append(("mse_loss", "reduction", _fwd_bwd(lambda a: dnn.mse_loss(a, y), x),
                _fwd_bwd(lambda a: F.mse_loss(a, y), x)))
    out.append(("cross_entropy", "reduction", _fwd_bwd(lambda z: dnn.cross_entropy(z, target), logits),
                _fwd_bwd(lambda z: F.cross_entropy(z, target), logits)))
    out.append(("bce_with_logits", "elementwise", _fwd_bwd(lambda z: dnn.binary_cross_entropy_with_logits(z, y), x),
                _fwd_bwd(lambda z: F.binary_cross_entropy_with_logits(z, y), x)))
    out.append(("dropout", "dropout", _fwd_bwd(lambda t: dnn.dropout(t, 0.5), x),
                _fwd_bwd(lambda t: F.dropout(t, 0.5), x)))
    ours_lin, ref_lin = dnn.Linear(1024, 512).to(device), nn.Linear(1024, 512).to(device)
    out.append(("Linear", "layer", _fwd_bwd(ours_lin, x), _fwd_bwd(ref_lin, x)))
    mlp = dnn.MLP(1024, [512, 512], 10).to(device)
    seq = nn.Sequential(nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)).to(device)
    out.append(("MLP", "layer", _fwd_bwd(mlp, x), _fwd_bwd(seq, x)))
    out.append(("gan_train_step", "step", *_gan_steps(device, g)))
    xn = torch.randn(256, 512, generator=g).to(device).requires_grad_()
    bn_ours, bn_ref = dnn.BatchNorm1d(512).to(device), nn.BatchNorm1d(512).to(device)
    out.append(("BatchNorm1d", "norm", _fwd_bwd(bn_ours, xn), _fwd_bwd(bn_ref, xn)))
    ln_ours, ln_ref = dnn.LayerNorm(512).to(device), nn.LayerNorm(512).to(device)
    out.append(("LayerNorm", "norm", _fwd_bwd(ln_ours, xn), _fwd_bwd(ln_ref, xn)))
    out.append(("vae_elbo", "vae", *_vae_losses(device, g)))
    from dlcourse.optim_clip import clip_grad_norm_

    mlp(x).sum().backward()   # gradients to clip: clipping them again costs the same as the first time
    seq(x).sum().backward()
    out.append(("clip_grad_norm_", "clip", lambda: clip_grad_norm_(mlp.parameters(), 1.0) and None,
                lambda: torch.nn.utils.clip_grad_norm_(seq.parameters(), 1.0) and None))
    out.append(("DecoderLayer", "block", *_decoder_layers(device, g)))
    out.append(("ResidualBlock", "resblock", *_residual_blocks(device, g)))
    out.append(("nt_xent_loss", "ntxent", *_nt_xent(device, g)))
    out.append(("fedavg", "fedavg", *_fedavg_states(device, g)))
    out.append(("GCNConv", "graph", *_graph_convs(device, g)))
    out.append(("GPT", "gpt", *_gpts(device, g)))
    z_student = (2 * torch.randn(32, 32, 62, generator=g)).to(device).requires_grad_()  # (B, T, V)
    z_teacher = (3 * torch.randn(32, 32, 62, generator=g)).to(device)
    out.append(("distillation", "distill", _fwd_bwd(lambda z: dnn.distillation_loss(z, z_teacher, 2.0), z_student),
                _fwd_bwd(lambda z: 4.0 * F.kl_div(F.log_softmax(z.flatten(0, 1) / 2, -1),
                                                  F.log_softmax(z_teacher.flatten(0, 1) / 2, -1),
                                                  reduction="batchmean", log_target=True), z_student)))
    out += _vision(device, g)
    out += _medical_metrics(device, g)
    from dlcourse.audio import spectrogram

    waves = torch.randn(64, 5200, generator=g).to(device).requires_grad_()  # (B, T_samples)
    hann = torch.hann_window(256, device=device)
    out.append(("spectrogram", "stft", _fwd_bwd(lambda w: spectrogram(w, 256, 80), waves),
                _fwd_bwd(lambda w: torch.stft(w, 256, 80, window=hann, return_complex=True).abs() ** 2, waves)))
    out.append(("astar", "astar", *_astar_searches(device, g)))
    out += _chapter6(device, g)
    if device.type == "cpu":
        from dlcourse.gradcheck import numerical_gradient

        xs = torch.randn(8, 32, generator=g, dtype=torch.float64)
        W = torch.randn(16, 32, generator=g, dtype=torch.float64)

        def loss(w):
            return torch.tanh(xs @ w.T).pow(2).sum()

        out.append(("numerical_grad", "check", lambda: numerical_gradient(loss, W),
                    lambda: torch.autograd.gradcheck(loss, (W.clone().requires_grad_(),))))
        out.append(("bleu", "bleu", *_bleus(g)))
    return out


def report(description: str, make_cases: Callable[[torch.device], list[Case]], targets: dict[str, float]) -> int:
    """Parse ``--device``, time every case on every device, print the table; 1 if a CPU target is missed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--device", action="append", help="cpu, cuda (default: cpu and cuda if available)")
    args = parser.parse_args()
    devices = args.device or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    missed = 0
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    print(f"{'device':<7} {'case':<16} {'ours (ms)':>10} {'built-in':>11} {'ratio':>7} {'target':>7}")
    for name in devices:
        device = torch.device(name)
        for case, kind, ours, ref in make_cases(device):
            t_ours, t_ref = _time(ours, device), _time(ref, device)
            ratio = t_ours / t_ref
            ok = ratio <= targets[kind] or device.type != "cpu"
            missed += not ok
            target = f"<={targets[kind]:g}x" if device.type == "cpu" else "-"
            print(f"{device.type:<7} {case:<16} {1e3 * t_ours:>10.3f} {1e3 * t_ref:>11.3f} {ratio:>6.2f}x "
                  f"{target:>7}{'' if ok else '  MISSED'}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(report(__doc__.splitlines()[0], cases, TARGETS))
