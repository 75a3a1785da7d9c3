"""Hidden tests judged outside the student's kernel (dlcourse.grading.judge, agent and wire).

The wire tests need no kernel. The judge tests start one real kernel, run a student's cells in it as
nbgrader would, and then judge hidden tests from this process: an honest answer passes, a wrong one
fails, and tampering with the kernel (input transformers, patched asserts, a fake agent) changes nothing
but the student's own result.
"""

from __future__ import annotations

import base64
import json
import queue
import time

import nbformat
import numpy as np
import pytest
import torch

from dlcourse.grading import judge
from dlcourse.grading.notebooks import ROOT
from dlcourse.grading.wire import Decoder, Encoder, WireError
from tests.kernels import remote as judge_view
from tests.kernels import run_cell


# ------------------------------------------------------------------------------------------------- wire
class _Thing:
    def __init__(self, x):
        self.x = x


def _student_round_trip(value):
    """judge -> student: anything the tests pass arrives equal."""
    enc = Encoder(trusted=True)
    dec = Decoder(rebuild_any=True, namespace={})
    return dec.decode(json.loads(json.dumps(enc.encode(value)))), enc, dec


def test_values_cross_equal_and_shared_objects_stay_shared():
    t = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    t.grad = torch.ones(3, 4, dtype=torch.float64)
    g = torch.Generator().manual_seed(3)
    value = [t, (t, 2.5, float("nan")), {"a": np.arange(4), 3: None}, torch.float32, torch.Size([2, 3]),
             g, slice(1, None, 2), {1, 2}, b"\x00\x01", np.float64(1.5), torch.zeros(0, 3, dtype=torch.bool),
             torch.tensor([1.5], dtype=torch.bfloat16)]
    got, _, dec = _student_round_trip(value)
    assert got[0] is got[1][0], "one tensor sent twice must arrive as one tensor"
    assert torch.equal(got[0], t) and got[0].requires_grad and torch.equal(got[0].grad, t.grad)
    assert got[1][1] == 2.5 and np.isnan(got[1][2])
    assert np.array_equal(got[2]["a"], np.arange(4)) and got[2][3] is None
    assert got[3] is torch.float32 and got[4] == torch.Size([2, 3])
    assert torch.equal(got[5].get_state(), g.get_state())
    assert got[6] == slice(1, None, 2) and got[7] == {1, 2} and got[8] == b"\x00\x01"
    assert isinstance(got[9], np.float64) and got[9] == 1.5
    assert got[10].shape == (0, 3) and got[10].dtype == torch.bool
    assert got[11].dtype == torch.bfloat16 and got[11].item() == 1.5


def test_modules_and_functions_cross_to_the_student():
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh()).double()
    got, _, _ = _student_round_trip([net, torch.nn.functional.relu, iter([1, 2]), torch.relu, torch.tanh])
    x = torch.randn(4, 3, dtype=torch.float64)
    assert torch.allclose(got[0](x), net(x)), "a module arrives with its weights and its forward"
    assert got[1] is torch.nn.functional.relu and list(got[2]) == [1, 2]
    assert got[3] is torch.relu and got[4] is torch.tanh, "a C function of torch crosses by its exported name"


def test_the_judge_rebuilds_only_data_and_named_classes():
    student = Encoder(trusted=False, handle=lambda obj: 7)
    # a student's object of a class the judge did not name arrives as a handle, never rebuilt
    data = json.loads(json.dumps(student.encode(_Thing(1))))
    assert "$handle" in data
    made = []
    dec = Decoder(rebuild_any=False, make_handle=lambda hid, kind, is_callable: made.append(hid) or "H")
    assert dec.decode(data) == "H" and made == [7]
    # the judge never imports, calls or rebuilds what a submission names
    for forged, message in [({"$callable": "os:system"}, "does not accept functions by name"),
                            ({"$object": "0", "class": "os:_wrap_close", "state": {"$dict": []}},
                             "does not rebuild objects of class os:_wrap_close"),
                            ({"$origin": "5"}, "reference to an unknown object"),
                            ({"$iter": [1]}, "unexpected iterator"),
                            ({"x": 1}, "untagged object"),
                            ({"$tensor": "0", "dtype": "object", "shape": [1], "data": ""},
                             "unsupported tensor dtype 'object'")]:
        with pytest.raises(WireError, match=message):
            Decoder(rebuild_any=False).decode(forged)
    # a named class is rebuilt from data, but no dunder attribute can be set on it
    path = f"{__name__}:_Thing"
    ok = {"$object": "0", "class": path, "state": {"$dict": [["x", 4]]}}
    assert Decoder(rebuild_any=False, classes={path: _Thing}).decode(ok).x == 4
    bad = {"$object": "0", "class": path, "state": {"$dict": [["__class__", 1]]}}
    with pytest.raises(WireError, match="bad attribute name in an object's state"):
        Decoder(rebuild_any=False, classes={path: _Thing}).decode(bad)


def test_a_students_exception_is_caught_as_its_builtin_class_or_as_exception():
    value = judge._raised({"type": "ValueError", "builtin": True, "message": "shapes differ"})
    assert isinstance(value, ValueError) and isinstance(value, judge.StudentRaised) and str(value) == "shapes differ"
    # a library's own class (onnxruntime's InvalidArgument) arrives by name over a plain Exception
    other = judge._raised({"type": "InvalidArgument", "builtin": False, "message": "bad batch"})
    assert isinstance(other, Exception) and isinstance(other, judge.StudentRaised)
    assert type(other).__name__ == "InvalidArgument" and not isinstance(other, ValueError)
    plain = judge._raised({"type": "Exception", "builtin": True, "message": "plain"})
    assert isinstance(plain, judge.StudentRaised) and type(plain).__name__ == "Exception"


def test_every_hidden_test_uses_only_trusted_names_and_answers():
    """A hidden test may read the lesson's imports, functions and classes, and the exercises' answers;
    anything else would have to come from the student's kernel, where it could be forged."""
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        plan = judge.notebook_plan(nbformat.read(path, as_version=4))
        for test in plan.tests.values():
            assert test.code.strip(), f"{path.name}: {test.grade_id} has no hidden test code"
            ns = judge.namespace(test)
            missing = judge.free_names(test.code) - set(ns) - set(test.names) - set(judge.copied_names(test, ns))
            assert not missing, f"{path.name}: {test.grade_id} reads {sorted(missing)}, which no cell above defines"


# ---------------------------------------------------------------------------------------- a real kernel
SOFTMAX_TEST = judge.JudgedTest(
    "t-softmax-hidden",
    code="""
g = torch.Generator().manual_seed(5)
z = torch.randn(4, 6, generator=g, dtype=torch.float64, requires_grad=True)
w = torch.randn(4, 6, generator=g, dtype=torch.float64)
p = softmax(z, dim=1)
assert p.shape == z.shape, "shape changed"
assert torch.allclose(p, torch.softmax(z, dim=1)), "values differ from torch.softmax"
(grad,) = torch.autograd.grad((p * w).sum(), z)
zr = z.detach().clone().requires_grad_(True)
(ref,) = torch.autograd.grad((torch.softmax(zr, dim=1) * w).sum(), zr)
assert torch.allclose(grad, ref), "gradient differs from torch.softmax"
try:
    softmax(torch.zeros(2, 2), dim=5)
except IndexError:
    pass
else:
    raise AssertionError("a bad dim must raise IndexError")
""",
    names=["softmax"], preamble="import torch")

HONEST = "import torch\ndef softmax(z, dim=-1):\n    e = (z - z.amax(dim, keepdim=True)).exp()\n    return e / e.sum(dim, keepdim=True)\n"


def _judge(km, client, test=SOFTMAX_TEST, seconds=30.0):
    remote = judge_view(km, client)
    remote.deadline = time.monotonic() + 30
    ns = judge.namespace(test)
    return judge.verdict(test, remote, ns, judge.pin(test, remote, ns), seconds)


def test_an_honest_answer_passes_and_gradients_flow_through_the_kernel(kernel):
    km, client = kernel
    run_cell(client, HONEST)
    assert _judge(km, client) == []


def test_a_wrong_answer_fails_with_the_tests_own_message(kernel):
    km, client = kernel
    run_cell(client, "def softmax(z, dim=-1):\n    return z.exp() / z.exp().sum()\n")
    [out] = _judge(km, client)
    assert out["ename"] == "AssertionError" and out["evalue"] == "values differ from torch.softmax"


def test_the_stub_fails_and_the_students_message_is_not_echoed(kernel):
    km, client = kernel
    run_cell(client, "def softmax(z, dim=-1):\n    raise NotImplementedError('SECRET-IN-MY-MESSAGE')\n")
    [out] = _judge(km, client)
    assert out["ename"] == "NotImplementedError" and "SECRET" not in json.dumps(out)


def test_a_missing_answer_fails_as_not_defined(kernel):
    km, client = kernel
    run_cell(client, "del softmax")
    [out] = _judge(km, client)
    assert "not defined" in out["evalue"]


@pytest.mark.parametrize("sabotage", [
    # the one-line exploit: rewrite any cell that asserts into `pass`
    'get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"] if any("assert" in l for l in lines)'
    ' else lines)',
    # make every comparison succeed, and every failure vanish
    "import torch, builtins\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
    "builtins.AssertionError = type('Nope', (Exception,), {})",
    # answer every judge request with a reply of its own
    "import dlcourse.grading.agent as _agent\nfrom IPython.display import publish_display_data\n"
    "_agent.handle = lambda text: publish_display_data({_agent.MIME: '{\"value\": 1.0}'})",
    # a stand-in for the agent module itself
    "import sys, types\nsys.modules['dlcourse.grading.agent'] = types.SimpleNamespace(handle=lambda t: None)",
])
def test_tampering_with_the_kernel_cannot_pass_a_wrong_answer(fresh_kernel, sabotage):
    km, client = fresh_kernel
    run_cell(client, "def softmax(z, dim=-1):\n    pass\n")
    run_cell(client, sabotage)
    outputs = _judge(km, client)
    assert len(outputs) == 1 and outputs[0]["output_type"] == "error", f"{sabotage!r} passed a wrong answer"


def test_no_hidden_test_text_enters_the_kernel(fresh_kernel):
    """After judging, neither the kernel's history nor anything its code recorded holds the test."""
    km, client = fresh_kernel
    run_cell(client, HONEST)
    run_cell(client, "seen = []\nget_ipython().input_transformers_cleanup.append("
                 "lambda lines: seen.append(''.join(lines)) or lines)")
    assert _judge(km, client) == []
    dump = run_cell(client, "import base64\nprint(base64.b64encode(repr((_ih, seen)).encode()).decode())")
    text = base64.b64decode(dump.strip()).decode()
    for line in SOFTMAX_TEST.code.splitlines():
        if len(line.strip()) > 20:
            assert line.strip() not in text, f"hidden test line reached the kernel: {line.strip()}"


def test_a_hanging_answer_times_out_and_the_kernel_survives(kernel):
    km, client = kernel
    run_cell(client, "import time\ndef softmax(z, dim=-1):\n    time.sleep(60)\n")
    t0 = time.monotonic()
    [out] = _judge(km, client, seconds=2.0)
    assert "timed out" in out["evalue"] and time.monotonic() - t0 < 20
    # the interrupted kernel still answers: an honest answer now passes
    for _ in range(20):
        try:
            client.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            break
    run_cell(client, HONEST)
    assert _judge(km, client) == []


def test_objects_keep_their_identity_across_the_boundary(kernel):
    """A student's function that returns the judge's own objects (a graph's nodes) gives them back."""
    km, client = kernel
    run_cell(client, "class Node:\n    def __init__(self, v, kids=()):\n        self.v, self.kids, self.seen = v, kids, 0\n"
                 "def walk(root):\n    out = [root, *root.kids]\n    for n in out:\n        n.seen += 1\n    return out\n")
    test = judge.JudgedTest("t-walk-hidden", names=["walk"], preamble=(
        "class Node:\n    def __init__(self, v, kids=()):\n        self.v, self.kids, self.seen = v, kids, 0"), code="""
a, b = Node(1), Node(2)
root = Node(3, (a, b))
order = walk(root)
assert order[0] is root and order[1] is a and order[2] is b, "identity lost"
assert (root.seen, a.seen, b.seen) == (1, 1, 1), "changes made by the student's code were not copied back"
""")
    assert _judge(km, client, test) == []


def test_a_test_reads_the_lessons_data_as_it_was_at_its_place(kernel):
    km, client = kernel
    run_cell(client, "import torch\nx5 = torch.arange(6.0)\ndef double(x):\n    return 2 * x\n")
    test = judge.JudgedTest("t-double-visible", names=["double"], preamble="import torch", data=["x5"],
                            code="assert torch.equal(double(x5), 2 * torch.arange(6.0)), 'double it'")
    remote = judge_view(km, client)
    remote.deadline = time.monotonic() + 30
    ns = judge.namespace(test)
    pinned = judge.pin(test, remote, ns)
    run_cell(client, "x5 = torch.zeros(6)\ndef double(x):\n    return x")   # later cells change both
    assert judge.verdict(test, remote, ns, pinned, 30.0) == []
