"""Tests judged outside the student's process.

A test that runs inside the student's kernel can be fooled by code that ran before it (an IPython input
transformer that rewrites it, a patched ``torch.allclose`` or ``AssertionError``, a stand-in module in
``sys.modules``), and a hidden test there can be read by code that runs after it (``_ih`` holds every cell
the kernel ran). So, when grading, the kernel never receives a test cell. ``JudgedExecute`` replaces
nbgrader's ``Execute`` preprocessor:

1. it runs the notebook's other cells in the student's kernel as nbgrader would;
2. at each test cell (visible or hidden) it sends only a *pin*: "remember what the names of the answers
   above refer to now, and send me a copy of the lesson data this test reads" (``agent.py``); the cell
   itself is not run;
3. after the last cell it runs each test **in this process** (the grader's, which no student code ever
   touches), from the instructor's notebook, in a namespace built from the lesson cells' imports,
   functions and classes (``notebook_plan``). Every name of a student's answer is a proxy: calling it
   sends the arguments to the kernel as data (``wire.py``), the student's function runs there, and its
   result comes back as data. Gradients flow back through the kernel (``vjp``), in-place changes and
   random state are copied back, so the tests are ordinary PyTorch code;
4. the cell's outputs become the verdict: nothing when it passed, one error line when it failed.

Visible tests stay in the student's notebook, and ``dlcourse check`` runs them there as the student
wrote nothing special; only their grade is judged here.

Nothing the student's code does to its own interpreter reaches the comparison; what it can do is answer
wrongly, slowly or not at all, and each of those fails the test. ``book/instructors.md`` ("What a
submission can and cannot do") states the threat model and its limits.
"""

from __future__ import annotations

import ast
import builtins
import json
import queue
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import torch
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from dlcourse.grading.agent import MIME
from dlcourse.grading.authoring import HIDDEN, exercise_of
from dlcourse.grading.secrets import region_lines
from dlcourse.grading.rules import RULES, Rule, judging, violation
from dlcourse.grading.wire import MAX_MESSAGE, Decoder, Encoder, WireError, _b64, _unb64, resolve, tensor_bytes

REBUILT = ("dlcourse.autograd:Value",)   # library classes the judge rebuilds from a student's data
MESSAGE_CHARS = 300                     # a verdict is one line of at most this many characters


# ---------------------------------------------------------------------------------------------- the plan
@dataclass
class JudgedTest:
    """One test cell as the judge runs it (hidden tests, and visible ones too when grading)."""

    grade_id: str
    code: str                 # the test (a hidden test: the lines between its markers) from the instructor's notebook
    names: list[str]          # the student's names it may use: what the answer cells above it define
    preamble: str             # imports, functions and classes of the lesson cells above it
    data: list[str] = field(default_factory=list)   # names the lesson cells above it assign (``x5 = ...``)


@dataclass
class Plan:
    """What judging one notebook needs, all read from the instructor's notebook."""

    tests: dict[str, JudgedTest] = field(default_factory=dict)


def parse_code(source: str) -> ast.Module | None:
    """A code cell's syntax tree, IPython's ``%`` and ``!`` lines left out; None if it is not Python."""
    try:
        return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return None


def defined_names(source: str) -> list[str]:
    """The names a cell binds in the notebook's namespace (functions, classes, assignments, ``for`` and
    ``with`` targets at any depth outside a function or class; imports are not answers nor data)."""
    tree = parse_code(source)
    names: dict[str, None] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = None
            return
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                             ast.Import, ast.ImportFrom)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names[node.id] = None
        for child in ast.iter_child_nodes(node):
            visit(child)

    if tree is not None:
        visit(tree)
    return list(names)


def _definitions(source: str) -> list[str]:
    """A lesson cell's top-level imports, functions and classes, as source (nothing else is run)."""
    tree = parse_code(source)
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [ast.unparse(node) for node in (tree.body if tree else []) if isinstance(node, keep)]


def hidden_code(source: str) -> str:
    """The lines between the hidden-test markers of a cell."""
    return "\n".join(region_lines([source], ("HIDDEN TESTS",)))


def notebook_plan(nb: nbformat.NotebookNode) -> Plan:
    """The test cells of an instructor notebook, each with the names and lesson code it may use."""
    plan = Plan()
    answers: dict[str, None] = {}
    data: dict[str, None] = {}
    lesson: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if meta.get("solution"):
            answers.update((name, None) for name in defined_names(cell.source))
        elif meta.get("grade"):
            code = hidden_code(cell.source) if grade_id.endswith(HIDDEN) else cell.source
            plan.tests[grade_id] = JudgedTest(grade_id, code, list(answers), "\n".join(lesson),
                                              [n for n in data if n not in answers])
        else:
            lesson += _definitions(cell.source)
            data.update((name, None) for name in defined_names(cell.source))
    return plan


def free_names(code: str) -> set[str]:
    """Names a test reads at its top level or in its functions that it never binds, less the builtins."""
    tree = ast.parse(code)
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            if not isinstance(node, ast.ClassDef):
                bound.update(a.arg for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs)
                bound.update(a.arg for a in (node.args.vararg, node.args.kwarg) if a)
        elif isinstance(node, ast.Lambda):
            bound.update(a.arg for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return {n for n in loaded - bound if not hasattr(builtins, n)}


def namespace(test: JudgedTest) -> dict[str, Any]:
    """The trusted names a test runs with: the lesson's imports, functions and classes above it."""
    ns: dict[str, Any] = {"__name__": "__main__"}
    for statement in _statements(test.preamble):
        try:
            exec(compile(statement, f"<lesson code before {test.grade_id}>", "exec"), ns)  # noqa: S102
        except Exception:  # noqa: BLE001  (a definition that needs the lesson's data: the test cannot use it)
            pass
    return ns


def _statements(preamble: str) -> list[str]:
    tree = parse_code(preamble)
    return [ast.unparse(node) for node in (tree.body if tree else [])]


# ------------------------------------------------------------------------------------ talking to the kernel
class JudgeError(Exception):
    """The kernel could not answer (it died, timed out, or its answer broke the format)."""


class RuleBroken(Exception):
    """A student's function called what its exercise forbids, or switched the check off."""


class StudentRaised(Exception):
    """Mixed into the exception a student's function raised, so that ``except ValueError`` in a test works."""


_RAISED: dict[tuple[str, type], type] = {}


def _raised(info: dict) -> BaseException:
    name = str(info.get("type", "Exception"))
    base = getattr(builtins, name, None) if info.get("builtin") else None
    if not (isinstance(base, type) and issubclass(base, Exception)) or base is StopIteration:
        base = Exception
    if (name, base) not in _RAISED:
        # a library's own exception class (onnxruntime's, torch's) arrives as its name over a plain Exception;
        # StudentRaised already derives from Exception, so it is the only base then (two would clash in the MRO)
        _RAISED[name, base] = type(name, (StudentRaised,) if base is Exception else (base, StudentRaised), {})
    return _RAISED[name, base](str(info.get("message", "")))


class Remote:
    """The student's kernel as the judge sees it: requests out, data back, a deadline on each."""

    def __init__(self, client, alive, interrupt, classes: dict[str, type]):
        self.client, self.alive, self.interrupt = client, alive, interrupt
        self.classes = classes
        self.deadline = float("inf")
        self.rule: tuple[str, Rule] | None = None       # (exercise, rule) in force for the calls of one test
        self.broken = ""                                 # the first broken rule of the test: it fails, caught or not

    def ask(self, request: dict) -> dict:
        code = f"__import__('dlcourse.grading.agent', fromlist=['handle']).handle({json.dumps(request)!r})"
        msg_id = self.client.execute(code, silent=True, store_history=False, allow_stdin=False)
        text, done = None, False
        while not done:
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.interrupt()
                raise JudgeError("timed out: your code ran longer than the time allowed for this test")
            try:
                msg = self.client.get_iopub_msg(timeout=min(left, 1.0))
            except queue.Empty:
                if not self.alive():
                    raise JudgeError("the kernel died while the tests ran") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "display_data" and MIME in msg["content"].get("data", {}):
                text = msg["content"]["data"][MIME]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                done = True
        try:
            self.client.get_shell_msg(timeout=5)
        except queue.Empty:
            pass
        if not isinstance(text, str) or len(text) > MAX_MESSAGE:
            raise JudgeError("no answer from your notebook's kernel (did your code change IPython or dlcourse?)")
        try:
            reply = json.loads(text)
        except ValueError:
            raise JudgeError("an unreadable answer from your notebook's kernel") from None
        if not isinstance(reply, dict):
            raise JudgeError("an unreadable answer from your notebook's kernel")
        if "failure" in reply:     # named by its type only: a message could carry what the student's code chose
            failure = reply["failure"] if isinstance(reply["failure"], dict) else {}
            kind = str(failure.get("type", "error"))
            raise JudgeError(f"your notebook's kernel could not make the call "
                             f"({kind if kind.isidentifier() and len(kind) < 40 else 'error'})")
        return reply

    def pin(self, exercise: str, names: list[str], copies: list[str]) -> tuple[dict[str, str], dict[str, Any]]:
        """Pin the student's ``names`` here; return their kinds and a copy of the lesson data ``copies``."""
        reply = self.ask({"op": "pin", "exercise": exercise, "names": names, "copies": copies,
                          "classes": list(self.classes)})
        kinds = reply.get("kinds", {})
        try:
            values = self._decoder({}).decode(reply.get("values", {"$dict": []}))
        except (WireError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise JudgeError(f"an answer the judge cannot read ({type(exc).__name__})") from None
        if not isinstance(kinds, dict) or not isinstance(values, dict):
            raise JudgeError("an unreadable answer from your notebook's kernel")
        return {str(k): str(v) for k, v in kinds.items()}, {k: v for k, v in values.items() if k in copies}

    def release(self) -> None:
        self.ask({"op": "release"})

    def _decoder(self, objects: dict[str, Any]) -> Decoder:
        return Decoder(rebuild_any=False, classes=self.classes, judge_objects=objects,
                       make_handle=lambda hid, kind, is_callable: Proxy(self, {"handle": hid}, kind))

    def fetch(self, target: dict) -> Any:
        reply = self.ask({"op": "fetch", "target": target, "classes": list(self.classes)})
        return self._decoder({}).decode(reply.get("value"))

    def getattr(self, target: dict, name: str) -> Any:
        reply = self.ask({"op": "getattr", "target": target, "name": name, "classes": list(self.classes)})
        return self._decoder({}).decode(reply.get("value"))

    def call(self, target: dict, args: tuple, kwargs: dict) -> Any:
        enc = Encoder(trusted=True)
        payload = enc.encode((list(args), dict(kwargs)))
        grad_on = torch.is_grad_enabled()
        grad_inputs = [(k, t) for k, t in enc.tensors() if grad_on and t.requires_grad]
        request = {"op": "call", "target": target, "args": payload, "grad": grad_on,
                   "grad_inputs": [k for k, _ in grad_inputs], "classes": list(self.classes),
                   "rng": _b64(tensor_bytes(torch.get_rng_state()))}
        if self.rule is not None:
            exercise, rule = self.rule
            request["rule"] = {"exercise": exercise, "forbid": list(rule.forbid), "autograd": rule.autograd,
                               "allowed": rule.allowed}
        reply = self.ask(request)
        if self.rule is not None and isinstance(reply.get("violation"), dict):
            self.broken = self.broken or _violation(*self.rule, reply["violation"])
            raise RuleBroken(self.broken)
        dec = self._decoder(enc.objects)
        try:
            value = dec.decode(reply["value"]) if "value" in reply else None
            _apply(dec, enc.objects, reply.get("updates", {}), self.classes)
            if isinstance(reply.get("rng"), str):
                torch.set_rng_state(torch.frombuffer(bytearray(_unb64(reply["rng"])), dtype=torch.uint8))
        except (WireError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise JudgeError(f"an answer the judge cannot read ({type(exc).__name__})") from None
        if isinstance(reply.get("error"), dict):
            raise _raised(reply["error"])
        if reply.get("call") is not None and grad_inputs:
            leaves = [dec.objects.get(k) for k in reply.get("differentiable", [])]
            leaves = [t for t in leaves if isinstance(t, torch.Tensor) and (t.is_floating_point() or t.is_complex())]
            if leaves:
                pending = _Pending(self, int(reply["call"]), leaves, [t for _, t in grad_inputs])
                outs = _Bridge.apply(pending, *pending.inputs)
                value = _substitute(value, {id(old): new for old, new in zip(leaves, outs)})
        return value

    def vjp(self, call: int, grads: tuple, inputs: list[torch.Tensor]) -> list[torch.Tensor | None]:
        reply = self.ask({"op": "vjp", "call": call, "grads": Encoder(trusted=True).encode(list(grads))})
        got = self._decoder({}).decode(reply.get("grads"))
        if not isinstance(got, list) or len(got) != len(inputs):
            raise JudgeError("an unreadable gradient from your notebook's kernel")
        out: list[torch.Tensor | None] = []
        for g, t in zip(got, inputs):
            if g is None:
                out.append(None)
            elif isinstance(g, torch.Tensor) and g.shape == t.shape:
                out.append(g.to(t.dtype))
            else:
                raise JudgeError("a gradient of the wrong shape from your notebook's kernel")
        return out


def _violation(exercise: str, rule: Rule, info: dict) -> str:
    """The message for a broken rule, written here: only a call the rule names is quoted."""
    call = str(info.get("call", ""))
    if call in rule.labels():
        return violation(exercise, rule, call)
    return f"{exercise}: the from-scratch check was switched off while your code ran"


def _apply(dec: Decoder, objects: dict[str, Any], updates: dict, classes: dict[str, type]) -> None:
    """Copy back what the student's call changed of the judge's own objects."""
    if not isinstance(updates, dict):
        raise WireError("bad updates")
    for key, update in updates.items():
        obj = objects[key]
        if "tensor" in update and isinstance(obj, torch.Tensor):
            new = dec.decode(update["tensor"])
            if not isinstance(new, torch.Tensor):
                raise WireError("bad tensor update")
            if new.shape == obj.shape and new.dtype == obj.dtype and tensor_bytes(new) != tensor_bytes(obj):
                with torch.no_grad():
                    obj.copy_(new)
            if obj.is_leaf:
                if new.requires_grad != obj.requires_grad:
                    obj.requires_grad_(new.requires_grad)
                grad = new.grad
                obj.grad = grad if grad is None or (grad.shape == obj.shape and grad.dtype == obj.dtype) else None
        elif "generator" in update and isinstance(obj, torch.Generator):
            obj.set_state(torch.frombuffer(bytearray(_unb64(update["generator"])), dtype=torch.uint8))
        elif "training" in update and isinstance(obj, torch.nn.Module):
            obj.training = bool(update["training"])
        elif "state" in update and any(type(obj) is cls for cls in classes.values()):
            state = dec.decode(update["state"])
            if not isinstance(state, dict):
                raise WireError("bad object update")
            for name, value in state.items():
                if isinstance(name, str) and not name.startswith("__"):
                    object.__setattr__(obj, name, value)


def _substitute(value: Any, mapping: dict[int, torch.Tensor]) -> Any:
    if isinstance(value, torch.Tensor):
        return mapping.get(id(value), value)
    if type(value) is list:
        return [_substitute(v, mapping) for v in value]
    if type(value) is tuple:
        return tuple(_substitute(v, mapping) for v in value)
    if type(value) is dict:
        return {k: _substitute(v, mapping) for k, v in value.items()}
    return value


@dataclass
class _Pending:
    remote: Remote
    call: int
    leaves: list[torch.Tensor]
    inputs: list[torch.Tensor]


class _Bridge(torch.autograd.Function):
    """Joins a student's outputs to the judge's graph: backward asks the kernel for the inputs' gradients."""

    @staticmethod
    def forward(ctx, pending: _Pending, *inputs):
        ctx.pending = pending
        return tuple(t.detach().clone() for t in pending.leaves)

    @staticmethod
    def backward(ctx, *grads):
        pending = ctx.pending
        return (None, *pending.remote.vjp(pending.call, grads, pending.inputs))


class Proxy:
    """A student's function (or object kept in the kernel) as the test sees it: calls go to the kernel."""

    def __init__(self, remote: Remote, target: dict, name: str):
        self._remote, self._target, self._name = remote, target, name

    def __call__(self, *args, **kwargs):
        return self._remote.call(self._target, args, kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._remote.getattr(self._target, name)

    def __repr__(self) -> str:
        return f"<{self._name} in the student's kernel>"


class _Missing:
    """A name the student's notebook does not define: using it fails as NameError would."""

    def __init__(self, name: str):
        self._name = name

    def __call__(self, *args, **kwargs):
        raise NameError(f"name {self._name!r} is not defined in your notebook")

    def __getattr__(self, attr: str):
        raise NameError(f"name {self._name!r} is not defined in your notebook")


# ------------------------------------------------------------------------------------------------ verdicts
def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MESSAGE_CHARS else line[:MESSAGE_CHARS - 1] + "…"


def trusted_classes(ns: dict[str, Any]) -> dict[str, type]:
    """The classes the judge rebuilds from a student's data: those the lesson defines, and ``REBUILT``."""
    classes = {f"__main__:{n}": v for n, v in ns.items() if isinstance(v, type) and v.__module__ == "__main__"}
    classes.update((path, resolve(path)) for path in REBUILT)
    return classes


def copied_names(test: JudgedTest, ns: dict[str, Any]) -> list[str]:
    """The lesson data a test reads (not a trusted name, not an answer): copied from the kernel when pinned."""
    return sorted((free_names(test.code) - set(ns) - set(test.names)) & set(test.data))


@dataclass
class Pinned:
    """What pinning a test found in the kernel, or why it could not."""

    kinds: dict[str, str] = field(default_factory=dict)    # the student's name -> "callable" or "value"
    values: dict[str, Any] = field(default_factory=dict)   # copies of the lesson data the test reads
    error: str = ""
    classes: dict[str, type] = field(default_factory=dict)  # what the judge rebuilds for this test


def pin(test: JudgedTest, remote: Remote, ns: dict[str, Any]) -> Pinned:
    """At the test cell's place: pin the student's names and copy the lesson data the test reads."""
    remote.classes = classes = trusted_classes(ns)
    try:
        kinds, values = remote.pin(test.grade_id, test.names, copied_names(test, ns))
    except JudgeError as exc:
        return Pinned(error=str(exc), classes=classes)
    return Pinned(kinds, values, classes=classes)


def verdict(test: JudgedTest, remote: Remote, ns: dict[str, Any], pinned: Pinned, seconds: float) -> list[dict]:
    """Run ``test`` here against the student's kernel; its outputs: none if it passed, else one error."""
    if pinned.error:
        message = _one_line(pinned.error)
        return [nbformat.v4.new_output("error", ename="JudgeError", evalue=message,
                                       traceback=[f"JudgeError: {message}"])]
    remote.classes = pinned.classes
    ns = {**ns, **pinned.values}
    for name in test.names:
        ns[name] = Proxy(remote, {"pin": [test.grade_id, name]}, name) if name in pinned.kinds else _Missing(name)
    remote.deadline = time.monotonic() + seconds
    stem = exercise_of(test.grade_id)
    remote.rule, remote.broken = ((stem, RULES[stem]) if stem in RULES else None), ""
    ename = None
    token = judging.set(True)
    try:
        for name in test.names:
            if pinned.kinds.get(name) == "value":     # a number or a tensor the student set: the test sees a copy
                ns[name] = remote.fetch({"pin": [test.grade_id, name]})
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            exec(compile(test.code, f"<test {test.grade_id}>", "exec"), ns)  # noqa: S102
    except JudgeError as exc:
        ename, message = "JudgeError", str(exc)
    except RuleBroken as exc:
        ename, message = "ForbiddenCall", str(exc)
    except StudentRaised as exc:
        ename, message = type(exc).__name__, f"your code raised {type(exc).__name__} during the tests"
    except AssertionError as exc:
        ename, message = "AssertionError", str(exc) or "a test failed"
    except NameError as exc:
        ename, message = "NameError", str(exc)
    except Exception as exc:  # noqa: BLE001  (the test tripped over what the student's code returned)
        ename, message = type(exc).__name__, f"{type(exc).__name__}: {exc}"
    finally:
        judging.reset(token)
        remote.rule = None
        remote.deadline = time.monotonic() + 10
        try:
            remote.release()
        except JudgeError:
            pass
    if remote.broken:        # a test that caught the failure still fails
        ename, message = "ForbiddenCall", remote.broken
    if ename is None:
        return []
    message = _one_line(message)
    return [nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])]


# ---------------------------------------------------------------------------------------- the preprocessor
class JudgedExecute(Execute):
    """nbgrader's ``Execute``, with hidden tests judged outside the kernel (see the module docstring)."""

    instructor_notebooks = Unicode(
        "", help="Folder of the instructor's notebooks of the assignment being graded; "
                 "default: the course's source folder for it").tag(config=True)
    died_folder = Unicode(
        "", help="Folder where a file named after the notebook records that its kernel died "
                 "(dlcourse autograde names the reason from it, not from a log)").tag(config=True)

    def _plan(self, resources: dict) -> Plan:
        info = resources.get("nbgrader", {})
        folder = Path(self.instructor_notebooks) if self.instructor_notebooks else None
        if folder is None:
            from nbgrader.coursedir import CourseDirectory

            coursedir = CourseDirectory(config=self.config)
            folder = Path(coursedir.format_path(coursedir.source_directory, ".", info.get("assignment", "")))
        path = folder / f"{info.get('notebook', '')}.ipynb"
        if not path.is_file():
            raise FileNotFoundError(f"the instructor's notebook {path} is needed to judge the hidden tests")
        return notebook_plan(nbformat.read(path, as_version=4))

    def preprocess(self, nb, resources=None, km=None):
        from nbclient.exceptions import DeadKernelError

        plan = self._plan(resources or {})
        try:
            return self._judged(nb, resources, km, plan)
        except DeadKernelError:
            if self.died_folder:
                Path(self.died_folder, str((resources or {}).get("nbgrader", {}).get("notebook", "notebook"))).touch()
            raise

    def _judged(self, nb, resources, km, plan: Plan):
        from jupyter_client import BlockingKernelClient
        from nbclient.client import NotebookClient
        from nbclient.util import run_sync

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        with self.setup_kernel():
            assert self.kc
            info_msg = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
            client = BlockingKernelClient()
            client.load_connection_info(self.km.get_connection_info())
            client.session.key = self.kc.session.key
            client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
            time.sleep(0.2)   # let the new iopub subscription settle before the first request
            remote = Remote(client, run_sync(self.km.is_alive), run_sync(self.km.interrupt_kernel), {})
            pending: list[tuple[Any, JudgedTest, dict[str, Any], Pinned]] = []
            try:
                for index, cell in enumerate(self.nb.cells):
                    test = plan.tests.get(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
                    if test is None or cell.cell_type != "code":
                        self.preprocess_cell(cell, resources, index)
                        continue
                    cell.outputs, cell.execution_count = [], None
                    ns = namespace(test)
                    remote.deadline = time.monotonic() + (self.timeout or 60)
                    pending.append((cell, test, ns, pin(test, remote, ns)))
                for cell, test, ns, pinned in pending:
                    t0 = time.perf_counter()
                    cell.outputs = verdict(test, remote, ns, pinned, float(self.timeout or 60))
                    self.log.info("judged %s in %.2f s: %s", test.grade_id, time.perf_counter() - t0,
                                  "passed" if not cell.outputs else "failed")
            finally:
                client.stop_channels()
        self.set_widgets_metadata()
        return self.nb, self.resources
