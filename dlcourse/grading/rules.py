"""From-scratch rules: run a student's function while the functions it re-implements are off limits.

An exercise that asks for softmax is not done by calling ``torch.softmax``. ``Guard`` runs code while the
callables of a ``Rule`` are forbidden, and sees a call however it is reached (``F.softmax``,
``x.softmax(-1)``, ``nn.Softmax()(x)``, an aliased import, ``getattr(F, "soft" + "max")``, ``importlib``,
a reference bound at import time), because it compares the objects called, never the source text. Three
layers, each covering what another cannot:

- ``sys.setprofile`` sees every call by object identity: the code object of a Python function, the C
  function or the C method (``Tensor.softmax`` on any tensor). It sees calls that PyTorch's own dispatch
  hides (``torch._C.DisableTorchFunction``);
- ``torch.overrides.TorchFunctionMode`` sees PyTorch's public API as the user called it;
- an audit hook (``sys.addaudithook``, which cannot be removed) refuses any change of the profiler or
  tracer while a guard is in force, and records the attempt. ``install_audit_hook`` puts it in place
  before any student code runs in a graded kernel (the zygote does it).

``autograd=True`` (the derivative is the exercise) also forbids the autograd engine, whatever reaches it
(``.backward()``, ``torch.autograd.grad``, ``torch.func.grad``, which ignores ``torch.no_grad()``), and
forward-mode AD.

Where it runs:

- in the student's notebook, a visible test cell says ``with from_scratch("cnn-conv2d", conv2d_single):``.
  Only calls made while the student's function is running count; the test's own reference calls do not;
- when grading, the judge (``judge.py``) sends the exercise's rule with every call of the student's
  functions, and the agent (``agent.py``) makes the call inside a ``Guard``. A violation fails the test
  with a message that names the exercise and the forbidden call. Inside the judge's own process
  ``from_scratch`` does nothing (``judging``): the rules apply where the student's code runs.

In-process rules raise the bar; they are not a sandbox. What stays out of their reach (threads started
before the call, subprocesses, TorchScript, ``ctypes``) is listed on the instructor page.
"""

from __future__ import annotations

import contextvars
import importlib
import sys
import threading
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import torch
from torch.overrides import TorchFunctionMode

AUTOGRAD = (
    "torch._C:_EngineBase.run_backward",       # every backward pass goes through the engine
    "torch:Tensor.backward", "torch.autograd:backward", "torch.autograd:grad",
    "torch.func:grad", "torch.func:grad_and_value", "torch.func:vjp", "torch.func:jvp", "torch.func:jacrev",
    "torch.func:jacfwd", "torch.func:hessian", "torch.autograd.functional:jacobian",
    "torch.autograd.functional:vjp", "torch.autograd.functional:jvp", "torch.autograd.functional:hessian",
    "torch.autograd.forward_ad:make_dual",
)

judging = contextvars.ContextVar("dlcourse_judging", default=False)


class ForbiddenCall(RuntimeError):
    """A student's function called what its exercise re-implements."""


@dataclass(frozen=True)
class Rule:
    """What an exercise forbids (``module:qualname`` paths) and what it leaves to use, in words."""

    forbid: tuple[str, ...] = ()
    autograd: bool = False
    allowed: str = ""

    def names(self) -> list[str]:
        """The forbidden callables as a reader knows them (``torch.nn.functional.softmax``)."""
        return [path.replace(":", ".") for path in self.forbid] + (["autograd"] if self.autograd else [])

    def sentence(self) -> str:
        """The prompt's sentence: what is off limits and what may be used."""
        off = [f"`{n}`" for n in (_short(p) for p in self.forbid)]
        if self.autograd:
            off.append("autograd (`.backward()`, `torch.autograd`, `torch.func`)")
        listed = ", ".join(off[:-1]) + (" and " if len(off) > 1 else "") + off[-1] if off else "nothing"
        return f"**From scratch:** {listed} {'are' if len(off) > 1 else 'is'} off limits here; " \
               f"use {self.allowed}."


def _short(path: str) -> str:
    module, _, qual = path.partition(":")
    prefix = {"torch.nn.functional": "F", "numpy": "np", "pandas": "pd"}.get(module, module)
    return f"{prefix}.{qual}"


def resolve(path: str) -> Any:
    """The object at ``module:qualname``."""
    module, _, qual = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in qual.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass
class _Targets:
    codes: dict[types.CodeType, str] = field(default_factory=dict)        # Python functions
    builtins: dict[int, str] = field(default_factory=dict)               # C functions, by identity
    methods: dict[str, list[tuple[type, str]]] = field(default_factory=dict)   # C methods: name -> (owner, label)
    torch_funcs: dict[int, str] = field(default_factory=dict)            # what TorchFunctionMode is given
    keep: list[Any] = field(default_factory=list)                        # keeps the ids above valid


def _add(targets: _Targets, obj: Any, label: str) -> None:
    targets.keep.append(obj)
    targets.torch_funcs[id(obj)] = label
    func = getattr(obj, "__func__", obj)                  # a bound or class method: its function
    func = getattr(func, "__wrapped__", func) if not hasattr(func, "__code__") else func
    if isinstance(obj, type):                             # a class: each function it defines
        for name, member in vars(obj).items():
            member = getattr(member, "__func__", member)
            if isinstance(member, types.FunctionType):
                targets.codes[member.__code__] = label
            elif isinstance(member, (types.MethodDescriptorType, types.WrapperDescriptorType)) and \
                    not name.startswith("__"):
                targets.methods.setdefault(name, []).append((obj, label))
        return
    if isinstance(func, types.FunctionType):
        targets.codes[func.__code__] = label
    elif isinstance(obj, (types.MethodDescriptorType, types.WrapperDescriptorType)):
        targets.methods.setdefault(obj.__name__, []).append((obj.__objclass__, label))
    elif isinstance(obj, types.BuiltinFunctionType):
        targets.builtins[id(obj)] = label
        self_ = getattr(obj, "__self__", None)
        if self_ is not None and not isinstance(self_, types.ModuleType):   # e.g. torch.softmax
            targets.methods.setdefault(obj.__name__, []).append((type(self_), label))
    else:
        call = getattr(type(obj), "__call__", None)
        if isinstance(call, types.FunctionType):
            targets.codes[call.__code__] = label


def targets(rule: Rule) -> _Targets:
    """What ``rule`` forbids, as the objects the profiler and PyTorch's mode see."""
    found = _Targets()
    for path in rule.forbid:
        _add(found, resolve(path), path.replace(":", "."))
    if rule.autograd:
        for path in AUTOGRAD:
            try:
                _add(found, resolve(path), "autograd (" + path.replace(":", ".") + ")")
            except (ImportError, AttributeError):
                continue
    return found


_ACTIVE: list[Guard] = []        # guards in force in this process (the audit hook is process-wide too)
_HOOKED = threading.Event()


def _audit(event: str, args: tuple) -> None:
    if event not in ("sys.setprofile", "sys.settrace") or not _ACTIVE:
        return
    guard = _ACTIVE[-1]
    if guard._switching:
        return
    # a thread started during the check installs threading's hook: allowed only while that hook is ours
    if event == "sys.setprofile" and sys._getframe(1).f_code is threading.Thread._bootstrap_inner.__code__ \
            and getattr(getattr(threading, "_profile_hook", None), "__self__", None) is guard:
        return
    guard.tampered.append(f"the code called {event} while the from-scratch check ran")
    raise RuntimeError("dlcourse: the profiler cannot be changed while a from-scratch check runs")


def install_audit_hook() -> bool:
    """Install the audit hook once per process (it cannot be removed); False if the process refused it."""
    if _HOOKED.is_set():
        return True
    try:
        sys.addaudithook(_audit)
    except Exception:  # noqa: BLE001  (an audit hook of the student's refused ours)
        return False
    _HOOKED.set()
    return True


class _Mode(TorchFunctionMode):
    def __init__(self, guard: Guard):
        super().__init__()
        self.guard = guard

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        label = self.guard.targets.torch_funcs.get(id(func))
        if label is not None and self.guard.counting():
            self.guard.violate(label)
        return func(*args, **(kwargs or {}))


class Guard:
    """A context in which ``rule``'s callables may not run (see the module docstring).

    ``entry``: the student's functions (or classes). If given, only calls made while one of them runs
    count; if empty, every call in the block counts. ``violations`` and ``tampered`` say what happened;
    the first violation also raises ``ForbiddenCall`` in the code that made it.
    """

    def __init__(self, exercise: str, rule: Rule, entry: tuple = ()):
        self.exercise, self.rule = exercise, rule
        self.targets = targets(rule)
        self.entry: set[types.CodeType] = set()
        for obj in entry:
            for member in (vars(obj).values() if isinstance(obj, type) else [obj]):
                member = getattr(member, "__func__", member)
                if isinstance(member, types.FunctionType):
                    self.entry.add(member.__code__)
        self.always = not entry
        self.depth = 0
        self.violations: list[str] = []
        self.tampered: list[str] = []
        self._switching = False
        self._mode: _Mode | None = None

    def counting(self) -> bool:
        return self.always or self.depth > 0

    def message(self, label: str) -> str:
        return (f"{self.exercise}: your code called {label}, which this exercise re-implements; "
                f"it is off limits here (use {self.rule.allowed})")

    def violate(self, label: str) -> None:
        self.violations.append(label)
        # raising from the profiler makes CPython remove it, which is itself a "sys.setprofile" event: ours
        self._switching = True
        raise ForbiddenCall(self.message(label))

    def _profile(self, frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code in self.entry:
                self.depth += 1
            elif self.depth or self.always:
                label = self.targets.codes.get(code)
                if label is not None:
                    self.violate(label)
        elif event == "return":
            if frame.f_code in self.entry and self.depth:
                self.depth -= 1
        elif event == "c_call" and (self.depth or self.always):
            label = self.targets.builtins.get(id(arg))
            if label is None:
                owners = self.targets.methods.get(getattr(arg, "__name__", ""))
                if owners:
                    self_ = getattr(arg, "__self__", None)
                    label = next((lab for owner, lab in owners if isinstance(self_, owner)), None)
            if label is not None:
                self.violate(label)

    def _set(self, hook) -> None:
        self._switching = True
        try:
            sys.setprofile(hook)
            threading.setprofile(hook)
        finally:
            self._switching = False

    def __enter__(self) -> Guard:
        if not install_audit_hook():
            self.tampered.append("an audit hook refused the from-scratch check's own")
        _ACTIVE.append(self)
        try:
            self._set(self._profile)
        except Exception:  # noqa: BLE001
            self.tampered.append("the profiler could not be set")
        self._mode = _Mode(self)
        self._mode.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._mode is not None:
            try:
                self._mode.__exit__(None, None, None)
            except Exception:  # noqa: BLE001  (the mode stack was changed under us)
                self.tampered.append("PyTorch's function mode stack was changed")
        current = sys.getprofile()
        if getattr(current, "__self__", None) is not self and not self.violations:
            self.tampered.append("the profiler was switched off")
        self._set(None)
        _ACTIVE.remove(self)

    @property
    def broken(self) -> str:
        """Why the call does not count (a forbidden call, or the check switched off), or ""."""
        if self.violations:
            return self.message(self.violations[0])
        if self.tampered:
            return f"{self.exercise}: the from-scratch check was switched off ({self.tampered[0]})"
        return ""


@contextmanager
def from_scratch(exercise: str, *answers: Any) -> Iterator[Guard | None]:
    """Run the block with ``exercise``'s rule (``RULES``) in force while ``answers`` (the student's
    functions or classes) run. In the judge's own process, a no-op: the agent applies the rule there."""
    rule = RULES.get(exercise)
    if rule is None or judging.get():
        yield None
        return
    with Guard(exercise, rule, tuple(answers)) as guard:
        yield guard
    if guard.violations or guard.tampered:
        raise ForbiddenCall(guard.broken)


# The rules of the course's exercises: grade-id stem -> Rule. tests/test_rules.py checks that every
# exercise has one, that its prompt states ``Rule.sentence()``, that the visible tests apply it and that the
# instructor's solution keeps to it.
RULES: dict[str, Rule] = {}
