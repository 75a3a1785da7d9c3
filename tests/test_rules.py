"""From-scratch rules (dlcourse.grading.rules): a forbidden call is seen however it is reached, honest code
passes, the check cannot be switched off unnoticed, and the judge applies the rule in the student's kernel.
"""

from __future__ import annotations

import importlib
import sys
import threading
import time

import pytest
import torch
import torch.nn.functional as F
from torch.nn.functional import softmax as bound_at_import

from dlcourse.grading import judge, rules
from dlcourse.grading.rules import ForbiddenCall, Guard, Rule, from_scratch
from tests.kernels import remote as judge_view
from tests.kernels import run_cell

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")

SOFTMAX = Rule(forbid=("torch:softmax", "torch.nn.functional:softmax", "torch:Tensor.softmax",
                       "torch.nn.functional:log_softmax", "torch:Tensor.log_softmax", "torch.nn:Softmax"),
               allowed="exp, amax and sum")
NO_AUTOGRAD = Rule(autograd=True, allowed="tensor arithmetic")


def honest(z, dim=-1):
    e = (z - z.amax(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)


def _disabled(z):
    with torch._C.DisableTorchFunction():
        return z.softmax(-1)


def _caught(z):
    try:
        return F.softmax(z, -1)
    except ForbiddenCall:
        return honest(z)


def _threaded(z):
    out = []
    thread = threading.Thread(target=lambda: out.append(F.softmax(z, -1)))
    thread.start()
    thread.join()
    return out[0] if out else honest(z)


def _switch_off(z):
    sys.setprofile(None)
    return F.softmax(z, -1)


CHEATS = {
    "F.softmax": lambda z: F.softmax(z, -1),
    "tensor method": lambda z: z.softmax(-1),
    "torch.softmax": lambda z: torch.softmax(z, -1),
    "module": lambda z: torch.nn.Softmax(-1)(z),
    "bound at import": lambda z: bound_at_import(z, -1),
    "getattr": lambda z: getattr(F, "soft" + "max")(z, -1),
    "importlib": lambda z: importlib.import_module("torch.nn.functional").softmax(z, -1),
    "DisableTorchFunction": _disabled,
    "caught and retried": _caught,
    "in a thread": _threaded,
    "log_softmax": lambda z: z.log_softmax(-1).exp(),
    "profiler switched off": _switch_off,
}


@pytest.mark.parametrize("how", list(CHEATS))
def test_a_forbidden_call_is_seen_however_it_is_reached(how):
    guard = Guard("structure-softmax", SOFTMAX)
    try:
        with guard:
            CHEATS[how](torch.randn(3, 4))
    except (ForbiddenCall, RuntimeError):
        pass
    assert guard.broken.startswith("structure-softmax: "), f"{how} was not seen"
    assert sys.getprofile() is None, "the guard leaves no profiler behind"


def test_honest_code_passes_and_the_message_names_exercise_and_call():
    guard = Guard("structure-softmax", SOFTMAX)
    with guard:
        honest(torch.randn(3, 4, requires_grad=True)).sum().backward()   # autograd is not forbidden here
    assert guard.broken == ""
    with pytest.raises(ForbiddenCall, match=r"structure-softmax: .*torch\.nn\.functional\.softmax.*exp, amax and sum"):
        with Guard("structure-softmax", SOFTMAX):
            F.softmax(torch.randn(2), 0)


@torch.no_grad()
def _decorated_reference(x):
    return x * 2


@torch.no_grad()
def _decorated_other(x):
    return x + 1


def test_a_decorated_function_is_forbidden_by_its_own_code_not_by_its_decorator():
    # every @torch.no_grad() function runs the same wrapper code: forbidding one must not forbid the others
    rule = Rule(forbid=("tests.test_rules:_decorated_reference",), allowed="tensor arithmetic")
    guard = Guard("structure-softmax", rule)
    with guard:
        _decorated_other(torch.ones(2))
    assert guard.broken == "", guard.broken
    with pytest.raises(ForbiddenCall, match=r"_decorated_reference"):
        with Guard("structure-softmax", rule):
            _decorated_reference(torch.ones(2))


@pytest.mark.parametrize("how", ["backward", "autograd.grad", "func.grad", "func.grad under no_grad"])
def test_autograd_is_off_limits_when_the_derivative_is_the_exercise(how):
    x = torch.randn(5, requires_grad=True)
    calls = {"backward": lambda: (x * x).sum().backward(),
             "autograd.grad": lambda: torch.autograd.grad((x * x).sum(), x),
             "func.grad": lambda: torch.func.grad(lambda t: (t * t).sum())(x.detach()),
             "func.grad under no_grad": lambda: torch.func.grad(lambda t: (t * t).sum())(x.detach())}
    guard = Guard("backprop-manual-grad", NO_AUTOGRAD)
    with torch.no_grad() if how.endswith("no_grad") else torch.enable_grad():
        try:
            with guard:
                calls[how]()
        except ForbiddenCall:
            pass
    assert "autograd" in guard.broken
    with Guard("backprop-manual-grad", NO_AUTOGRAD) as ok:
        _ = 2 * x.detach()                     # the gradient of sum(x^2), by hand
    assert ok.broken == ""


def test_only_the_students_code_is_checked_in_a_visible_test(monkeypatch):
    """``from_scratch`` counts calls made while the student's function runs, not the test's references."""
    monkeypatch.setitem(rules.RULES, "structure-softmax", SOFTMAX)
    z = torch.randn(2, 3)
    with from_scratch("structure-softmax", honest):
        assert torch.allclose(honest(z), torch.softmax(z, -1))
    cheat = CHEATS["F.softmax"]

    def student(z):
        return cheat(z)

    with pytest.raises(ForbiddenCall, match="structure-softmax"):
        with from_scratch("structure-softmax", student):
            student(z)
    token = rules.judging.set(True)            # in the judge's own process the rule is applied elsewhere
    try:
        with from_scratch("structure-softmax", student):
            student(z)
    finally:
        rules.judging.reset(token)


def test_every_forbidden_path_resolves_and_no_solution_breaks_its_rule():
    for stem, rule in rules.RULES.items():
        for path in rule.forbid:
            if not path.startswith("__main__:"):      # a lesson's function: it exists only in the notebook
                rules.resolve(path)
        assert rule.allowed, f"{stem}: say what may be used"


# ------------------------------------------------------------------------------------ applied by the judge
def test_the_judge_applies_the_rule_in_the_students_kernel(fresh_kernel, monkeypatch):
    monkeypatch.setitem(rules.RULES, "t-softmax", SOFTMAX)
    km, client = fresh_kernel
    test = judge.JudgedTest("t-softmax-hidden", names=["softmax"], preamble="import torch", code="""
z = torch.randn(3, 5, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
assert torch.allclose(softmax(z), torch.softmax(z, dim=-1)), "values differ"
""")

    def judged():
        remote = judge_view(km, client)
        remote.deadline = time.monotonic() + 30
        ns = judge.namespace(test)
        return judge.verdict(test, remote, ns, judge.pin(test, remote, ns), 30.0)

    run_cell(client, "import torch\nimport torch.nn.functional as F\ndef softmax(z, dim=-1):\n"
                 "    return F.softmax(z, dim)\n")
    [out] = judged()
    assert out["ename"] == "ForbiddenCall" and "t-softmax" in out["evalue"] \
        and "torch.nn.functional.softmax" in out["evalue"]
    run_cell(client, "def softmax(z, dim=-1):\n    try:\n        return z.softmax(dim)\n    except Exception:\n"
                 "        e = z.exp()\n        return e / e.sum(dim, keepdim=True)\n")
    [out] = judged()
    assert out["ename"] == "ForbiddenCall", "a caught violation still fails"
    run_cell(client, "def softmax(z, dim=-1):\n    e = (z - z.amax(dim, keepdim=True)).exp()\n"
                 "    return e / e.sum(dim, keepdim=True)\n")
    assert judged() == []


# ------------------------------------------------------------------------------------ the course's exercises
def _exercises():
    """(notebook, index, stem) of every exercise cell of the instructor notebooks."""
    import nbformat

    from dlcourse.grading.notebooks import ROOT

    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and not meta.get("grade"):
                yield path, nb, i, meta["grade_id"]


def test_every_exercise_states_and_applies_its_rule():
    for path, nb, i, stem in _exercises():
        assert stem in rules.RULES, f"{path.name}: exercise {stem} has no from-scratch rule"
        prompt = next(c.source for c in reversed(nb.cells[:i]) if c.cell_type == "markdown")
        assert rules.RULES[stem].sentence() in prompt, f"{path.name}: the prompt of {stem} does not state its rule"
        [visible] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == stem + "-visible"]
        assert f"with from_scratch({stem!r}" in visible.source, f"{path.name}: {stem}'s visible tests do not apply it"


def _called_names(source: str) -> set[str]:
    import ast

    from dlcourse.grading.judge import parse_code

    tree = parse_code(source)
    found = set()
    for node in ast.walk(tree) if tree else []:
        if isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.Name):
            found.add(node.id)
    return found


def test_no_lesson_cell_shows_the_answer_above_its_exercise():
    """Between the previous exercise's tests and an exercise, no lesson cell uses what the exercise forbids."""
    found = []
    for path, nb, i, stem in _exercises():
        start = max((k for k in range(i) if nb.cells[k].metadata.get("nbgrader", {}).get("grade")), default=-1)
        forbidden = {p.partition(":")[2].split(".")[-1] for p in rules.RULES[stem].forbid}
        for k, cell in enumerate(nb.cells[start + 1:i], start + 1):
            if cell.cell_type == "code" and not cell.metadata.get("nbgrader"):
                shown = _called_names(cell.source) & forbidden
                if shown:
                    found.append(f"{path.name} cell {k}, above {stem}: {sorted(shown)}")
    assert not found, "lesson cells use what the exercise below them forbids:\n" + "\n".join(found)


CALLERS = {   # exercise -> an answer that calls what the exercise re-implements (each would pass without the rule)
    ("01-basics/02-activations", "activations-leaky-relu"):
        "import torch.nn.functional as F\ndef leaky_relu(x, negative_slope=0.01):\n"
        "    return F.leaky_relu(x, negative_slope)",
    ("02-model-types/02-cnn", "cnn-conv2d"):
        "import torch.nn.functional as F\ndef conv2d_single(x, w):\n    return F.conv2d(x[None, None], w[None, None])[0, 0]",
    ("02-model-types/05-transformer", "transformer-attention"):
        "import torch.nn.functional as F\ndef attention(q, k, v, mask=None):\n"
        "    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)",
    ("03-training/03-backprop", "backprop-batchnorm"):        # aten's backward kernel: all three gradients at once
        "import torch\ndef batchnorm_backward(x, gamma, beta, grad_out, eps=1e-5):\n"
        "    mu, var = x.mean(0), x.var(0, unbiased=False)\n"
        "    dx, dgamma, dbeta = torch.ops.aten.native_batch_norm_backward(grad_out, x, gamma, None, None, mu,\n"
        "        1 / torch.sqrt(var + eps), True, eps, [True, True, True])\n"
        "    return dx, dgamma, dbeta",
    ("03-training/03-backprop", "backprop-manual-grad"):      # torch.func.grad ignores torch.no_grad()
        "import torch\ndef linear_mse_grads(X, y, w, b):\n"
        "    if X.dim() != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):\n"
        "        raise ValueError('shapes')\n"
        "    return torch.func.grad(lambda w_, b_: ((X @ w_ + b_ - y) ** 2).mean(), argnums=(0, 1))(w, b)",
    ("04-advances/01-self-supervised", "self-nt-xent"):
        "from dlcourse.nn import nt_xent_loss\ndef nt_xent(z1, z2, temperature=0.5):\n"
        "    return nt_xent_loss(z1, z2, temperature)",
    ("04-advances/04-graph-neural-networks", "graph-gcn-layer"):  # PyG's normalisation, the sum written out
        "import torch\nfrom torch_geometric.nn.conv.gcn_conv import gcn_norm\n"
        "def gcn_layer(x, edge_index, weight, bias=None):\n"
        "    ei, w = gcn_norm(edge_index, None, x.shape[0], dtype=x.dtype)\n"
        "    h = x @ weight.T\n"
        "    out = torch.zeros(x.shape[0], h.shape[1], dtype=h.dtype).index_add_(0, ei[1], w[:, None] * h[ei[0]])\n"
        "    return out if bias is None else out + bias",
    ("05-applications/04-medicine", "medicine-sensitivity"):   # sklearn's recall of each class
        "from sklearn.metrics import recall_score\nimport torch\n"
        "def sensitivity_specificity(y_true, scores, threshold):\n"
        "    y = torch.as_tensor(y_true)\n"
        "    s = torch.as_tensor(scores, dtype=torch.float64)\n"
        "    if y.shape != s.shape or not bool(((y == 0) | (y == 1)).all()) or y.min() == y.max():\n"
        "        raise ValueError('bad input')\n"
        "    pred = (s >= threshold).long().numpy()\n"
        "    return (float(recall_score(y.long().numpy(), pred, pos_label=1)),\n"
        "            float(recall_score(y.long().numpy(), pred, pos_label=0)))",
}


@pytest.mark.parametrize("where, stem", list(CALLERS))
def test_calling_the_reference_fails_the_hidden_tests(where, stem, kernel):
    import nbformat

    from dlcourse.grading.notebooks import ROOT
    km, client = kernel
    plan = judge.notebook_plan(nbformat.read(ROOT / "solutions" / f"{where}.ipynb", as_version=4))
    test = plan.tests[stem + "-hidden"]
    run_cell(client, "import torch, math\nimport numpy as np\n" + CALLERS[(where, stem)])
    remote = judge_view(km, client)
    remote.deadline = time.monotonic() + 60
    ns = judge.namespace(test)
    [out] = judge.verdict(test, remote, ns, judge.pin(test, remote, ns), 60.0)
    assert out["ename"] == "ForbiddenCall" and out["evalue"].startswith(stem + ": "), out
