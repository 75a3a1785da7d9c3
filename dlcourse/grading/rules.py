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
import inspect
import sys
import threading
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import torch
from torch.overrides import TorchFunctionMode

from dlcourse.grading.wire import resolve

AUTOGRAD = (
    "torch._C:_EngineBase.run_backward",       # every backward pass goes through the engine
    "torch:Tensor.backward", "torch.autograd:backward", "torch.autograd:grad",
    "torch.autograd.functional:jacobian", "torch.autograd.functional:hessian", "torch.autograd.functional:vjp",
    "torch.autograd.functional:jvp", "torch.autograd.functional:vhp", "torch.autograd.functional:hvp",
    "torch.func:grad", "torch.func:grad_and_value", "torch.func:vjp", "torch.func:jvp", "torch.func:jacrev",
    "torch.func:jacfwd", "torch.func:hessian", "torch.func:linearize", "torch.autograd.forward_ad:make_dual",
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
    why: str = ""             # for instructors: what the one-line call would skip
    note: str = ""            # when nothing is forbidden and "no built-in" would not fit: what to say before "Use"

    def names(self) -> list[str]:
        """The forbidden callables as a reader knows them (``torch.nn.functional.softmax``)."""
        return [label(path) for path in self.forbid] + (["autograd"] if self.autograd else [])

    def labels(self) -> set[str]:
        """Every label a ``Guard`` of this rule can report for a forbidden call."""
        return {label(path) for path in self.forbid} | \
            ({label(path, autograd=True) for path in AUTOGRAD} if self.autograd else set())

    def sentence(self) -> str:
        """The prompt's sentence: what is off limits and what may be used. PyTorch's and dlcourse's forms of
        one function (``torch.softmax``, ``F.softmax``, ``x.softmax``, ``nn.Softmax``) are named once."""
        forms: dict[str, str] = {}       # normalised name -> the name shown
        others: list[str] = []
        in_torch = {p.partition(":")[2].split(".")[-1].lower().replace("_", "") for p in self.forbid
                    if p.split(".")[0].split(":")[0] == "torch"}
        for path in self.forbid:
            module, _, qual = path.partition(":")
            last = qual.split(".")[-1]
            if "." in qual and f"{module}:{qual.rsplit('.', 1)[0]}" in self.forbid:
                continue                         # a method of a class that is forbidden whole
            if module == "__main__":
                others.append(f"`{qual}` (defined above)")
            elif module.split(".")[0] == "dlcourse" and last.lower().replace("_", "") not in in_torch:
                others.append(f"`{_short(path)}`")   # dlcourse's own helper, with no PyTorch form
            elif module.split(".")[0] in ("torch", "dlcourse") and ("." not in qual or qual.startswith("Tensor.")):
                key = last.lower().replace("_", "")
                if key not in forms or last[0].islower() and not forms[key][0].islower():
                    forms[key] = last
            else:
                others.append(f"`{_short(path)}`")
        off = [f"`{name}`" for name in forms.values()]
        if off:
            off = [", ".join(off[:-1]) + (" and " if len(off) > 1 else "") + off[-1]
                   + " in any form (PyTorch's function, tensor method or module, and dlcourse's)"]
        off += others
        if self.autograd:
            off.append("autograd (`.backward()`, `torch.autograd`, `torch.func`)")
        if not off:
            lead = self.note or "no built-in does this in one call;"
            return f"**From scratch:** {lead} {'U' if self.note else 'u'}se {self.allowed}."
        listed = "; ".join(off)
        return f"**From scratch:** off limits here: {listed}. Use {self.allowed}."


def violation(exercise: str, rule: Rule, label: str) -> str:
    """The message of a forbidden call: the exercise, the call, and what to use instead."""
    return (f"{exercise}: your code called {label}, which this exercise re-implements; "
            f"it is off limits here (use {rule.allowed})")


def _short(path: str) -> str:
    module, _, qual = path.partition(":")
    prefix = {"torch.nn.functional": "F", "numpy": "np", "pandas": "pd"}.get(module, module)
    return f"{prefix}.{qual}"


def label(path: str, autograd: bool = False) -> str:
    """How a forbidden ``module:qualname`` is named in messages (a notebook's function by its name alone)."""
    name = path.replace("__main__:", "").replace(":", ".")
    return f"autograd ({name})" if autograd else name


@dataclass
class _Targets:
    codes: dict[types.CodeType, str] = field(default_factory=dict)        # Python functions
    builtins: dict[int, str] = field(default_factory=dict)               # C functions, by identity
    methods: dict[str, list[tuple[type, str]]] = field(default_factory=dict)   # C methods: name -> (owner, label)
    torch_funcs: dict[int, str] = field(default_factory=dict)            # what TorchFunctionMode is given
    instances: dict[types.CodeType, dict[int, str]] = field(default_factory=dict)   # __call__ code -> id(self)
    keep: list[Any] = field(default_factory=list)                        # keeps the ids above valid


def _add(targets: _Targets, obj: Any, label: str) -> None:
    targets.keep.append(obj)
    targets.torch_funcs[id(obj)] = label
    # a bound or class method: its function; a decorated one: the function it wraps. A decorator's wrapper has
    # one code object for every function it decorates (every @torch.no_grad() function runs the same
    # ``decorate_context``), so forbidding the wrapper's code would forbid them all
    func = inspect.unwrap(getattr(obj, "__func__", obj))
    if isinstance(obj, type):                             # a class: each function it defines
        for name, member in vars(obj).items():
            member = inspect.unwrap(getattr(member, "__func__", member))
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
    else:                                                  # a callable object (torch.ops.aten.x): by identity
        call = getattr(type(obj), "__call__", None)
        if isinstance(call, types.FunctionType):
            targets.instances.setdefault(call.__code__, {})[id(obj)] = label


def targets(rule: Rule) -> _Targets:
    """What ``rule`` forbids, as the objects the profiler and PyTorch's mode see."""
    found = _Targets()
    for path in rule.forbid:
        try:
            obj = resolve(path)
        except (ImportError, AttributeError, KeyError):    # a lesson's function the student's notebook lacks
            continue
        _add(found, obj, label(path))
    if rule.autograd:
        for path in AUTOGRAD:
            try:
                _add(found, resolve(path), label(path, autograd=True))
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
        return violation(self.exercise, self.rule, label)

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
                if label is None and code in self.targets.instances:
                    label = self.targets.instances[code].get(id(frame.f_locals.get("self")))
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
# exercise has one, that its prompt states ``Rule.sentence()``, that its visible tests apply it and that no
# lesson cell above it uses what it forbids; the round trips check that the instructor's solutions keep to
# them. ``__main__:name`` is a function the notebook defines above the exercise.
RULES: dict[str, Rule] = {
    # 00-introduction/01-what-is-deep-learning
    'deep-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: the offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values')),
    'deep-features': Rule(
        note='nothing in torch or dlcourse computes this feature map in one call.',
        allowed='indexing, ** 2, sum over a dimension and torch.cat (or torch.stack), and a shape check that '
                'raises ValueError',
        why=('nothing in torch or dlcourse returns (x1, x2, x1^2 + x2^2); the exercise is the hand-designed '
             'feature the lesson contrasts with learned ones')),
    # 00-introduction/02-pytorch-preliminaries
    'pytorch-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: tuples of ints and the string "error"',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values')),
    'pytorch-pairwise': Rule(
        forbid=('torch:cdist', 'torch.nn.functional:pairwise_distance', 'torch.nn.functional:pdist',
                'torch.nn:PairwiseDistance', 'sklearn.metrics.pairwise:euclidean_distances',
                'sklearn.metrics:pairwise_distances', '__main__:pairwise_loop'),
        allowed='indexing with None (or unsqueeze), subtraction, ** 2 and sum over the last dimension',
        why=('cdist (squared) and sklearn\'s euclidean_distances / pairwise_distances return the whole table in '
             'one call, pairwise_distance / PairwiseDistance do it once the inputs are broadcast, and '
             'pairwise_loop is the lesson\'s loop the exercise replaces')),
    'pytorch-gradient': Rule(
        autograd=True,
        allowed='u @ v, torch.exp and elementwise tensor arithmetic',
        why='the derivative is the exercise: autograd returns both gradients of f in one call'),
    'pytorch-fix-loop': Rule(
        forbid=('dlcourse.train:fit',),
        allowed=('torch.optim.SGD (zero_grad and step) or an update under torch.no_grad(), the mean squared '
                 'error of model(X).squeeze(1), .backward() and .item() in a loop over the epochs'),
        why=('dlcourse.train.fit is a correct training loop ready to use (a list holding one (X, y) batch makes '
             'it full-batch gradient descent): the loop is the task')),
    'pytorch-target': Rule(
        forbid=('torch.linalg:lstsq', 'torch.linalg:pinv', 'torch:pinverse', 'torch.linalg:solve',
                'torch.linalg:inv', 'torch:inverse'),
        allowed=('nn.Linear, torch.optim and a loop of gradient steps (standardizing the features first if you '
                 'like), trained on the X_train and y_train it is given'),
        why=('least squares solved in closed form (lstsq, a pseudo-inverse, or solving the normal equations) '
             'reaches the target without gradient descent, the subject of the exercise')),
    # 01-basics/01-network-structure
    'structure-dense-forward': Rule(
        forbid=('torch.nn.functional:linear', 'torch:addmm', 'torch:Tensor.addmm', 'torch.nn:Linear',
                'dlcourse.nn.linear:Linear', 'dlcourse.nn.linear:MLP', '__main__:layer_loop'),
        allowed='NumPy @ (or np.dot), .T, broadcasting of b, and np.exp for the sigmoid',
        why=('F.linear / addmm / a Linear layer compute X W^T + b in one call, the whole layer the exercise asks'
             " to write as one matrix product (the notebook itself shows F.linear as 'the built-in')")),
    'structure-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: numbers, tuples, True or False and the offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values')),
    'structure-count-parameters': Rule(
        forbid=('dlcourse.nn.linear:MLP', 'dlcourse.nn.linear:Linear', 'torch.nn:Linear', 'torch.nn:Module.parameters'),
        allowed='plain Python: zip over neighbouring sizes, integer * and +, sum',
        why=('building dnn.MLP (or Linear layers) and summing p.numel() over .parameters() reproduces the hidden'
             " tests' reference instead of the formula; the prompt says 'without building a model'")),
    # 01-basics/02-activations
    'activations-derivatives': Rule(
        forbid=('dlcourse.nn.activations:sigmoid_grad', 'dlcourse.nn.activations:tanh_grad',
                'torch:ops.aten.sigmoid_backward', 'torch:ops.aten.tanh_backward'),
        autograd=True,
        allowed='torch.sigmoid and torch.tanh (or dnn.sigmoid, dnn.tanh) and elementwise tensor arithmetic',
        why=("the derivative is the exercise: autograd, dlcourse's sigmoid_grad/tanh_grad or aten's "
             'sigmoid_backward/tanh_backward kernels return it without writing s(1 - s) and 1 - tanh^2')),
    'activations-grad-norms': Rule(
        forbid=('dlcourse.diagnostics:grad_norms',),
        allowed=('model.modules() with isinstance, zero_grad (or p.grad = None), one .backward(), Tensor.norm (or'
                 ' torch.linalg.vector_norm) and .item()'),
        why=('nothing in torch returns per-layer weight-gradient norms (clip_grad_norm_/get_total_norm give one '
             'total); dlcourse.diagnostics.grad_norms, from a later lesson, is the reference, and .backward() is '
             'part of the task')),
    'activations-backward': Rule(
        forbid=('dlcourse.nn:activations.tanh_grad', 'torch:ops.aten.tanh_backward'),
        autograd=True,
        allowed=('your tanh_grad from Exercise 1 (or 1 - h ** 2), torch.tanh, matrix products (@ and .T), sums '
                 'over the batch and elementwise arithmetic'),
        why=('the backward pass is the exercise: autograd (or torch.func.vjp) returns all four gradients at once; '
             "dlcourse's tanh_grad and aten's tanh_backward are the reference derivative of tanh (the student's "
             'own tanh_grad from Exercise 1 stays allowed)')),
    'activations-leaky-relu': Rule(
        forbid=('torch.nn.functional:leaky_relu', 'torch.nn.functional:leaky_relu_', 'torch.nn:LeakyReLU',
                'torch.nn.functional:prelu', 'torch:prelu', 'torch:Tensor.prelu', 'torch.nn:PReLU',
                'torch.nn.functional:rrelu', 'torch:rrelu', 'torch.nn:RReLU'),
        allowed='torch.where, comparisons and multiplication (or torch.relu / clamp and arithmetic)',
        why=('F.leaky_relu is the function itself; prelu with a one-element weight and rrelu in eval mode with '
             'lower = upper = slope compute the same leaky ReLU in one call')),
    # 01-basics/03-losses
    'losses-mse': Rule(
        forbid=('torch.nn.functional:mse_loss', 'torch.nn:MSELoss', 'dlcourse.nn.losses:mse_loss'),
        allowed='subtraction, ** 2, mean and sum, and a shape check that raises ValueError',
        why=("F.mse_loss / nn.MSELoss / dlcourse's mse_loss give the reduced squared error in one call "
             "(dlcourse's even raises the ValueError)")),
    'losses-cross-entropy': Rule(
        forbid=('torch.nn.functional:cross_entropy', 'torch.nn:CrossEntropyLoss', 'torch:log_softmax',
                'torch:Tensor.log_softmax', 'torch.nn.functional:log_softmax', 'torch.special:log_softmax',
                'torch.nn:LogSoftmax', 'torch:logsumexp', 'torch:Tensor.logsumexp', 'torch.special:logsumexp',
                'dlcourse.nn.losses:cross_entropy', 'dlcourse.nn.activations:log_softmax'),
        allowed='amax, exp, log, sum, gather (or indexing with arange) and mean',
        why=("F.cross_entropy and dlcourse's cross_entropy are the loss; log_softmax / logsumexp do the max-"
             "shifted log-sum-exp that the prompt calls 'the whole point'")),
    'losses-fix-training': Rule(
        forbid=('dlcourse.train:fit',),
        allowed=('torch.optim.SGD (zero_grad and step), F.cross_entropy (or dnn.cross_entropy) on the logits, '
                 '.backward() and .item() in a loop over the epochs'),
        why=('dlcourse.train.fit is a correct training loop ready to use (a list holding one (X, y) batch makes '
             'it full-batch gradient descent): the loop is the task')),
    'losses-bce': Rule(
        forbid=('torch.nn.functional:binary_cross_entropy_with_logits', 'torch:binary_cross_entropy_with_logits',
                'torch.nn:BCEWithLogitsLoss', 'dlcourse.nn.losses:binary_cross_entropy_with_logits',
                'torch.nn.functional:softplus', 'torch.nn:Softplus', 'dlcourse.nn.activations:softplus',
                'torch.nn.functional:logsigmoid', 'torch.nn:LogSigmoid', 'torch:logaddexp', 'torch:Tensor.logaddexp',
                'dlcourse.nn.gan:generator_loss'),
        allowed='torch.relu (or clamp / where), abs, exp, log1p, tensor arithmetic and mean',
        why=("the BCE-with-logits built-ins are the loss; softplus, -logsigmoid, logaddexp(0, -z) and dlcourse's"
             ' softplus / generator_loss do the stable softplus the prompt asks to build from e^{-|z|}')),
    # 01-basics/04-regularization
    'regularization-l1-l2-penalty': Rule(
        forbid=('dlcourse.nn.regularization:l1_penalty', 'dlcourse.nn.regularization:l2_penalty'),
        allowed='model.parameters() (or named_parameters), p.dim(), abs, ** 2 and sum',
        why=('l1 * dnn.l1_penalty(model) + l2 * dnn.l2_penalty(model) is the answer in one line (the hidden test'
             ' compares with exactly that)')),
    'regularization-sgd-step-l2': Rule(
        forbid=('torch.optim:SGD', 'torch.optim:SGD.step', 'torch.optim.sgd:sgd', 'dlcourse.optim:SGD',
                'dlcourse.optim:SGD.step'),
        allowed='torch.no_grad(), a loop over params, in-place tensor updates (-=, sub_, add_)',
        why=("torch.optim.SGD(params, lr, weight_decay=2 * lam).step() (the hidden tests' reference), its "
             "functional sgd() or dlcourse's SGD perform the whole update")),
    'regularization-sparsity': Rule(
        allowed='model.parameters(), p.dim(), abs, comparison with tol, sum and numel',
        why='no built-in does this in one call'),
    'regularization-target': Rule(
        forbid=('dlcourse.data.digits:load_digits', 'sklearn.datasets:load_digits'),
        allowed=('any model and training loop built from torch and dlcourse (dnn.MLP, torch.optim, '
                 'dnn.l2_penalty, dropout), trained on the X_train and y_train it is given'),
        why=('loading the digits inside the call would let the model learn from more than the 200 digits it is '
             'given, the held-out test digits included')),
    # 01-basics/05-dropout-early-stopping
    'dropout-inverted': Rule(
        forbid=('torch.nn.functional:dropout', 'torch:dropout', 'torch:dropout_', 'torch.nn:Dropout',
                'dlcourse.nn.dropout:dropout', 'dlcourse.nn.dropout:Dropout', 'torch:native_dropout',
                'torch:feature_dropout', 'torch:feature_dropout_',
                'torch.nn.functional:dropout1d', 'torch.nn.functional:dropout2d', 'torch.nn.functional:dropout3d',
                'torch.nn:Dropout1d', 'torch.nn:Dropout2d', 'torch.nn:Dropout3d',
                'torch.nn.functional:alpha_dropout', 'torch:alpha_dropout', 'torch:alpha_dropout_',
                'torch.nn.functional:feature_alpha_dropout', 'torch:feature_alpha_dropout',
                'torch:feature_alpha_dropout_', 'torch.nn:AlphaDropout', 'torch.nn:FeatureAlphaDropout'),
        allowed=('torch.rand (or torch.bernoulli) with the given generator, a comparison, .to(x.dtype), '
                 'multiplication and division'),
        why=("F.dropout / nn.Dropout / torch.dropout and dlcourse's dropout are inverted dropout in one call; "
             'native_dropout returns the scaled output and its mask; the feature and alpha variants with the '
             'right arguments draw and scale a mask the same way')),
    'early-stopping-epochs': Rule(
        forbid=('dlcourse.train:EarlyStopping',),
        allowed='a loop over the losses (enumerate from 1), comparisons and integer arithmetic',
        why=("dlcourse.train.EarlyStopping does exactly this bookkeeping: stepping it through the losses and "
             'reading best_epoch and stopped_epoch is the answer (the hidden tests compare with it)')),
    # 02-model-types/01-fnn
    'fnn-forward': Rule(
        forbid=('dlcourse.nn.linear:MLP', 'dlcourse.nn.linear:MLP.forward', 'torch.func:functional_call',
                'torch.nn.utils.stateless:functional_call'),
        allowed='a loop over the layers with h @ W.T + b (or F.linear per layer) and the given activation',
        why=('loading the weights into a dnn.MLP and calling it (directly or through functional_call) runs the '
             'whole forward pass the exercise asks to write')),
    'fnn-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: a tuple of ints, True or False and the offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values')),
    'fnn-shift': Rule(
        forbid=('torch.nn.functional:pad', 'scipy.ndimage:shift'),
        allowed=('torch.zeros_like and slice assignment with computed bounds (or torch.roll, then zeroing the '
                 'wrapped rows and columns)'),
        why=('F.pad(x, (dx, -dx, dy, -dy)) (negative padding crops) plus a size guard, or '
             'scipy.ndimage.shift(order=0), shifts with zero fill in one call: the index arithmetic is the task')),
    # 02-model-types/02-cnn
    'cnn-conv2d': Rule(
        forbid=('torch.nn.functional:conv2d', 'torch:conv2d', 'torch:convolution', 'torch.nn:Conv2d',
                'torch.nn.functional:conv3d', 'torch:conv3d', 'dlcourse.nn.conv:conv2d', 'dlcourse.nn.conv:Conv2d',
                'scipy.signal:correlate2d', 'scipy.signal:correlate'),
        allowed=('a loop over output positions, slicing of patches, elementwise product and sum, torch.stack '
                 '(Tensor.unfold, F.unfold and dnn.im2col stay allowed building blocks)'),
        why=("F.conv2d (the tests' reference) and dlcourse's conv2d compute the whole cross-correlation in one "
             "call; so do conv3d with a singleton depth and scipy's correlate2d (values only)")),
    'cnn-backward': Rule(
        forbid=('torch.nn.functional:conv2d', 'torch:conv2d', 'torch:convolution', 'torch.nn:Conv2d',
                'torch.nn.functional:conv_transpose2d', 'torch:conv_transpose2d', 'torch.nn:ConvTranspose2d',
                'torch.nn.grad:conv2d_input', 'torch.nn.grad:conv2d_weight', 'torch:ops.aten.convolution_backward',
                'torch.nn.functional:conv3d', 'torch:conv3d', 'dlcourse.nn.conv:conv2d', 'dlcourse.nn.conv:Conv2d'),
        autograd=True,
        allowed=('a loop over the k × k filter offsets with slicing, torch.einsum (or matmul / tensordot), sums and '
                 '+= into torch.zeros_like (F.pad, Tensor.unfold, F.unfold / F.fold and dnn.im2col stay allowed '
                 'building blocks)'),
        why=("the backward pass is the exercise: autograd through F.conv2d (the tests' reference) returns both "
             'gradients; grad_x is F.conv_transpose2d(grad_out, w) and torch.nn.grad.conv2d_input / conv2d_weight '
             "(or aten's convolution_backward) compute each gradient in one call")),
    'cnn-shape': Rule(
        forbid=('dlcourse.nn.conv:conv2d_output_shape', 'torch.nn.functional:conv2d', 'torch:conv2d', 'torch.nn:Conv2d',
                'dlcourse.nn.conv:conv2d', 'dlcourse.nn.conv:Conv2d'),
        allowed='integer arithmetic: +, -, * and //',
        why=("dlcourse's conv2d_output_shape is the formula in one call; convolving zeros and reading .shape "
             '(what the hidden test does) skips the formula')),
    'cnn-maxpool': Rule(
        forbid=('torch.nn.functional:max_pool2d', 'torch:max_pool2d', 'torch.nn.functional:max_pool2d_with_indices',
                'torch.nn:MaxPool2d', 'torch.nn.functional:adaptive_max_pool2d', 'torch.nn:AdaptiveMaxPool2d',
                'dlcourse.nn.conv:max_pool2d', 'dlcourse.nn.conv:MaxPool2d'),
        allowed='reshape / view to (B, C, H/k, k, W/k, k) and amax (or max) over the window dimensions',
        why=("F.max_pool2d and dlcourse's max_pool2d pool in one call; with H, W divisible by k, "
             'adaptive_max_pool2d(x, (H // k, W // k)) takes the same windows')),
    'cnn-target': Rule(
        forbid=('dlcourse.data.digits:load_digits', 'sklearn.datasets:load_digits'),
        allowed=('any model and training loop built from torch and dlcourse (convolutions, pooling, '
                 'dlcourse.data.random_crop for augmentation, torch.optim and its schedules), trained on the '
                 'X_train and y_train it is given'),
        why=('loading the digits inside the call would let the model learn from more than the images it is '
             'given, the held-out test digits included')),
    # 02-model-types/03-rnn
    'rnn-forward': Rule(
        forbid=('torch.nn:RNN', 'torch:rnn_tanh', 'dlcourse.nn.recurrent:RNN', 'dlcourse.nn.recurrent:_stacked'),
        allowed=('a Python loop over time with matmul, tanh and torch.stack; one step may come from the '
                 "notebook's rnn_step, dnn.rnn_cell or torch.rnn_tanh_cell (the cell is given, the loop is the "
                 'task)'),
        why=("nn.RNN (the tests' reference), torch.rnn_tanh and dlcourse's RNN (or its _stacked loop) unroll the "
             'whole sequence in one call')),
    'rnn-lstm-step': Rule(
        forbid=('torch.nn:LSTMCell', 'torch:lstm_cell', 'torch.nn:LSTM', 'torch:lstm',
                'dlcourse.nn.recurrent:lstm_cell', 'dlcourse.nn.recurrent:_lstm_step', 'dlcourse.nn.recurrent:LSTM'),
        allowed='matmul, chunk(4), torch.sigmoid, torch.tanh and elementwise arithmetic',
        why=("nn.LSTMCell (the tests' reference), torch.lstm_cell and dlcourse's lstm_cell / _lstm_step return "
             '(h_t, c_t) in one call')),
    'rnn-windows': Rule(
        forbid=('torch:Tensor.unfold', 'torch.nn.functional:unfold', 'torch:as_strided', 'torch:Tensor.as_strided',
                'numpy.lib.stride_tricks:sliding_window_view', 'numpy.lib.stride_tricks:as_strided'),
        allowed='slicing in a loop or comprehension, torch.stack and unsqueeze (or index arithmetic with arange)',
        why=("the prompt says 'Above we cut the series with unfold. Write it yourself': series.unfold(0, T + 1, "
             "1) (the hidden test's reference) or a strided view makes every window at once")),
    # 02-model-types/04-gan
    'gan-fix-step': Rule(
        forbid=('dlcourse.nn.gan:train_step',),
        allowed=("the players' forward passes, discriminator_loss and generator_loss, detach(), the optimisers' "
                 'zero_grad() and step(), .backward() and .item()'),
        why=("dlcourse's train_step (the tests' reference) is the repaired step in one call; gan.train, which the "
             'lesson runs, reaches it only through train_step, which the guard sees however it is called')),
    'gan-modes-covered': Rule(
        allowed='torch.cdist or broadcasting, <= radius, any(dim=0), sum and int()',
        why='no built-in does this in one call'),
    # 02-model-types/05-transformer
    'transformer-attention': Rule(
        forbid=('torch.nn.functional:scaled_dot_product_attention', 'torch.nn.attention.flex_attention:flex_attention',
                'dlcourse.nn.attention:scaled_dot_product_attention', 'dlcourse.nn.attention:attention_weights'),
        allowed=('matmul, transpose(-2, -1), math.sqrt, masked_fill with torch.finfo(dtype).min, and '
                 'torch.softmax (a building block here: the solution uses it)'),
        why=("F.scaled_dot_product_attention (the tests' reference) and dlcourse's scaled_dot_product_attention "
             '/ attention_weights scale, mask and normalise in one call')),
    'transformer-causal-mask': Rule(
        forbid=('torch.nn:Transformer.generate_square_subsequent_mask', 'torch.nn.attention.bias:causal_upper_left',
                'torch.nn.attention.bias:causal_lower_right'),
        allowed=('torch.ones(T, T, dtype=torch.bool, device=device) with tril (or torch.tril, or an arange '
                 'comparison)'),
        why=('the exercise is one tril; nn.Transformer.generate_square_subsequent_mask(T) == 0 and the '
             'CausalBias helpers hand over a ready-made causal mask')),
    'transformer-heads': Rule(
        allowed='view / reshape, transpose / permute, shape arithmetic and a ValueError',
        why=("no built-in does this in one call (dlcourse's MultiHeadAttention splits heads inline); "
             'torch.func.rearrange is left allowed: its pattern needs the same view-then-transpose understanding')),
    # 02-model-types/08-vae
    'vae-gaussian-kl': Rule(
        forbid=('torch.distributions:kl_divergence', 'torch.distributions:Normal',
                'torch.distributions:MultivariateNormal', 'torch.distributions:LowRankMultivariateNormal',
                'torch.distributions:Independent', 'dlcourse.nn.vae:gaussian_kl', 'dlcourse.nn.vae:elbo_loss'),
        allowed='exp, ** 2, subtraction and sum over the last dimension',
        why=("kl_divergence of two Normal distributions (the tests' reference) and dlcourse's gaussian_kl give the "
             'per-dimension KL in one call; MultivariateNormal / Independent sum it over Z, and elbo_loss returns '
             'its batch mean')),
    'vae-kl-grad': Rule(
        autograd=True,
        allowed='exp, division by the batch size and elementwise arithmetic',
        why=('the derivative is the exercise: autograd through gaussian_kl (or through kl_divergence of two '
             'Normal distributions) returns both gradients without the derivation')),
    # 02-model-types/06-transformer-decoder
    'decoder-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: tuples of ints and one of the offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values')),
    'decoder-greedy': Rule(
        forbid=('dlcourse.nn.transformer:greedy_decode',),
        allowed=('model.encode once, model.decode in a loop over the steps, argmax of the last position, '
                 'torch.cat (or writing into a tensor filled with pad) and torch.where for the pad after <eos>'),
        why=("dlcourse's greedy_decode (the tests' reference) is the whole loop in one call; PyTorch has no "
             'generate helper, and nn.Transformer only computes the logits, which the exercise is given anyway')),
    'decoder-fix-step': Rule(
        forbid=('dlcourse.nn.transformer:teacher_forcing_loss',),
        allowed=("torch.cat and torch.full_like for the decoder's input, the model's forward pass, F.cross_entropy "
                 "with ignore_index, the optimiser's zero_grad() and step(), .backward() and .item()"),
        why=("dlcourse's teacher_forcing_loss (the tests' reference) shifts the target and computes the loss in one "
             'call: the shift is the repair')),
    # 02-model-types/07-residual-networks
    'residual-forward': Rule(
        forbid=('dlcourse.nn.resnet:ResidualBlock', 'dlcourse.nn.resnet:ResidualBlock.forward',
                'dlcourse.nn.resnet:ResidualBlock.branch', 'torch.func:functional_call', 'torch.nn.utils.stateless:functional_call'),
        allowed=('F.conv2d, F.batch_norm (training=True, no running statistics), torch.relu and +: the layers are '
                 'building blocks here, the wiring of the block is the task'),
        why=("loading the parameters into a dnn.ResidualBlock (the tests' reference) and calling it, directly, "
             'through functional_call or inside a dnn.ResNet, runs the whole block; the convolutions and the normalisation stay allowed '
             'because Chapter 2 and Chapter 3 have them as exercises of their own')),
    'residual-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed="literals: a tuple of ints, an int and one of the strings 'identity' or 'projection'",
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values')),
    # 03-training/01-data
    'data-fill-missing': Rule(
        forbid=('pandas:Series.interpolate', 'pandas:DataFrame.interpolate', 'numpy:interp',
                'scipy.interpolate:interp1d'),
        allowed=('torch.isnan, torch.where, the mean of the observed values, torch.searchsorted, arange, clamp '
                 'and indexing'),
        why=("Series.interpolate(limit_direction='both') and numpy.interp (the hidden tests' references) do the "
             'linear fill, with constant ends, in one call')),
    'data-outliers-iqr': Rule(
        forbid=('matplotlib.cbook:boxplot_stats',),
        allowed=('torch.quantile (or numpy.percentile / sort with linear interpolation) along dim 0, comparisons '
                 'and |'),
        why=("quantiles are a building block here (the prompt names torch.quantile); matplotlib's "
             'boxplot_stats(x, whis=k) returns the Tukey fliers per column, i.e. the answer')),
    'data-fix-leakage': Rule(
        note='nothing is off limits: the repair is which rows the split and the statistics come from.',
        allowed=('torch.randperm(N, generator=generator), indexing, mean and std along dim 0, and broadcasting '
                 "(scikit-learn's train_test_split and StandardScaler are fine too, fitted on the training rows)"),
        why=('nothing to forbid: the exercise is which rows the split and the statistics come from, not a formula '
             'a library computes in one call; no built-in returns a leak-free split with its standardisation')),
    # 03-training/02-model-selection
    'selection-majority-baseline': Rule(
        forbid=('sklearn.dummy:DummyClassifier', 'torch:mode', 'torch:Tensor.mode', 'scipy.stats:mode'),
        allowed='torch.unique(return_counts=True) or bincount, argmax, comparison and mean',
        why=("DummyClassifier(strategy='most_frequent') is the tests' reference; torch.mode / scipy.stats.mode "
             'return the most frequent label, smallest on a tie, which is the part that needs care')),
    'selection-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: the letters A, B, C and True or False',
        why=('nothing to forbid: the answer is a dict of literal predictions and no student code runs while it is '
             "graded; the hidden test recomputes the truth with the lesson's polynomial_curves in the grader")),
    'selection-pick-best': Rule(
        allowed='max, a comprehension over the scores, min with key (n_params, name), set differences',
        why='no built-in does this in one call'),
    'selection-kfold': Rule(
        forbid=('sklearn.model_selection:KFold', 'sklearn.model_selection:StratifiedKFold',
                'sklearn.model_selection:RepeatedKFold', 'dlcourse.data.folds:kfold_indices', 'numpy:array_split',
                'torch:tensor_split', 'torch:Tensor.tensor_split'),
        allowed='integer division n // k and the remainder n % k, torch.arange, torch.cat and a loop over the folds',
        why=("scikit-learn's KFold (the tests' reference) and dlcourse.data.kfold_indices return the folds; "
             'numpy.array_split / torch.tensor_split cut arange(n) into exactly these fold sizes in one call')),
    # 03-training/03-backprop
    'backprop-manual-grad': Rule(
        autograd=True,
        allowed='tensor formulas: X @ w + b - y, X.T @ r, sum, arithmetic, and shape checks',
        why=('the gradient is the exercise: .backward(), torch.autograd or torch.func.grad would give it without'
             ' the chain rule (the prompt forbids them)')),
    'backprop-ops': Rule(
        forbid=('dlcourse.autograd:Value.__mul__', 'dlcourse.autograd:Value.__pow__', 'dlcourse.autograd:Value.tanh'),
        autograd=True,
        allowed="the notebook's Value(...) constructor, math.tanh, float arithmetic and isinstance",
        why=("dlcourse.autograd.Value's __pow__ and tanh build these very nodes (called unbound on the "
             "notebook's Value they pass the tests); autograd would supply the local derivatives, the task")),
    'backprop-backward': Rule(
        forbid=('dlcourse.autograd:Value.topological_order', 'dlcourse.autograd:Value.backward',
                'graphlib:TopologicalSorter'),
        autograd=True,
        allowed=('a recursive (or iterative) depth-first search with a visited set of ids, reversed(), and the '
                 'chain-rule loop over _children and _local_grads'),
        why=("dlcourse's Value.topological_order works unbound on the notebook's Value (duck-typed on _children)"
             ' and Value.backward is the same loop; graphlib.TopologicalSorter does the ordering')),
    'backprop-batchnorm': Rule(
        forbid=('torch.nn.functional:batch_norm', 'torch:batch_norm', 'torch:native_batch_norm',
                'torch:ops.aten.native_batch_norm_backward', 'torch:ops.aten.batch_norm_backward',
                'torch.nn:BatchNorm1d'),
        autograd=True,
        allowed='tensor arithmetic: mean and sum over dim 0, sqrt (or rsqrt) and broadcasting',
        why=("the backward pass is the exercise: autograd through the lesson's batchnorm_forward (or F.batch_norm,"
             " BatchNorm1d) gives dx, dgamma and dbeta without the chain rule, and aten's native_batch_norm_backward "
             '/ batch_norm_backward kernels return all three in one call')),
    # 03-training/04-optimizers
    'optimizers-sgd-momentum-step': Rule(
        forbid=('torch.optim:SGD', 'torch.optim:SGD.step', 'torch.optim.sgd:sgd', 'dlcourse.optim:SGD',
                'dlcourse.optim:SGD.step'),
        allowed='out-of-place tensor arithmetic (+, *, -) in a loop over zip(params, grads, bufs)',
        why=("torch.optim.SGD (the tests' reference), its functional sgd() and dlcourse's SGD perform the "
             'weight-decay / momentum / Nesterov update')),
    'optimizers-rmsprop-step': Rule(
        forbid=('torch.optim:RMSprop', 'torch.optim:RMSprop.step', 'torch.optim.rmsprop:rmsprop',
                'dlcourse.optim:RMSprop', 'dlcourse.optim:RMSprop.step'),
        allowed='out-of-place tensor arithmetic, ** 2 and sqrt',
        why=("torch.optim.RMSprop (the tests' reference), its functional rmsprop() and dlcourse's RMSprop perform the "
             'moving average of squared gradients and the divided step')),
    'optimizers-adam-step': Rule(
        forbid=('torch.optim:Adam', 'torch.optim:Adam.step', 'torch.optim:AdamW', 'torch.optim:AdamW.step',
                'torch.optim.adam:adam', 'torch.optim.adamw:adamw', 'dlcourse.optim:Adam', 'dlcourse.optim:Adam.step',
                'dlcourse.optim:AdamW'),
        allowed='out-of-place tensor arithmetic, ** 2, sqrt and the bias corrections 1 - beta ** t',
        why=("torch.optim.Adam / AdamW (the tests' reference), their functional adam() / adamw() and dlcourse's "
             'Adam / AdamW perform the moment updates, bias correction and step')),
    'optimizers-cosine-schedule': Rule(
        forbid=('torch.optim.lr_scheduler:LinearLR', 'torch.optim.lr_scheduler:CosineAnnealingLR',
                'torch.optim.lr_scheduler:SequentialLR', 'torch.optim.lr_scheduler:CosineAnnealingWarmRestarts'),
        allowed='math.cos, math.pi and float arithmetic in closed form, and ValueErrors',
        why=("stepping SequentialLR(LinearLR, CosineAnnealingLR) on a dummy optimizer (the hidden tests' "
             "reference, and the notebook's warmup_cosine_scheduler) reads the rate off instead of the closed "
             'form')),
    # 03-training/05-evaluation
    'evaluation-confusion-matrix': Rule(
        forbid=('sklearn.metrics:confusion_matrix', 'dlcourse.metrics:confusion_matrix'),
        allowed=('torch.as_tensor, validation, a loop over samples or the flat index i * C + j with '
                 'torch.bincount, reshape'),
        why=("sklearn's confusion_matrix (the tests' reference) and dlcourse.metrics.confusion_matrix build the "
             'matrix in one call')),
    'evaluation-precision-recall-f1': Rule(
        forbid=('sklearn.metrics:precision_recall_fscore_support', 'sklearn.metrics:precision_score',
                'sklearn.metrics:recall_score', 'sklearn.metrics:f1_score', 'sklearn.metrics:fbeta_score',
                'sklearn.metrics:classification_report', 'dlcourse.metrics:precision_recall_f1'),
        allowed=('your confusion_matrix from Exercise 1 (or bincount), unique, diagonal, row / column sums, '
                 'division with zero_division = 0, weighted means'),
        why=("sklearn's precision_recall_fscore_support (the tests' reference), its precision/recall/f1 scores "
             'and dlcourse.metrics.precision_recall_f1 do the per-class counts and all four averages')),
    'evaluation-roc-curve': Rule(
        forbid=('sklearn.metrics:roc_curve', 'sklearn.metrics:confusion_matrix_at_thresholds',
                'dlcourse.metrics:roc_curve', 'dlcourse.metrics:_counts_at_thresholds'),
        allowed=('argsort(descending=True), cumsum, a neighbour comparison to keep the last of each run of tied '
                 'scores, torch.cat'),
        why=("sklearn's roc_curve (the tests' reference) and dlcourse.metrics.roc_curve are the answer; "
             'confusion_matrix_at_thresholds / _counts_at_thresholds give the TP and FP counts per distinct '
             'threshold')),
    # 03-training/06-tuning
    'tuning-rbf-kernel': Rule(
        forbid=('dlcourse.tuning:rbf_kernel', 'sklearn.gaussian_process.kernels:RBF',
                'sklearn.gaussian_process.kernels:RBF.__call__', 'sklearn.metrics.pairwise:rbf_kernel'),
        allowed='broadcasting X1[:, None, :] - X2[None, :, :], ** 2, sum and exp (torch.cdist is a building block)',
        why=('dlcourse.tuning.rbf_kernel is the kernel matrix in one call (differentiable, so it passes every '
             "test); sklearn's RBF (the tests' reference) and pairwise rbf_kernel give its values")),
    'tuning-gp-posterior': Rule(
        allowed=('torch.linalg.cholesky, torch.cholesky_solve, torch.linalg.solve_triangular, matmul, clamp_min '
                 'and sqrt, and shape checks'),
        why=("no built-in does this in one call from kernel matrices: sklearn's GaussianProcessRegressor and "
             'dlcourse.tuning.GaussianProcess take the inputs X, not K, K_star and k_star_star')),
    'tuning-expected-improvement': Rule(
        forbid=('dlcourse.tuning:expected_improvement',),
        allowed='torch.special.ndtr, exp, math.sqrt(2 * math.pi), torch.where with a safe divisor, clamp_min',
        why='dlcourse.tuning.expected_improvement is the same NaN-safe closed form in one call'),
    'tuning-target': Rule(
        note="your answer is only a configuration; the lesson's `train_digits` does the training, here and when graded.",
        allowed='any values within the ranges stated above',
        why=('nothing to forbid: the answer is a dict of five numbers and no student code runs while the model '
             "trains; train_digits, the lesson's function rebuilt from the instructor's notebook in the grader, "
             'does all the work, so there is no call to watch')),
    # 03-training/07-initialization-normalization
    'initialization-kaiming-normal': Rule(
        forbid=('torch.nn.init:kaiming_normal_', 'torch.nn.init:kaiming_uniform_', 'torch.nn.init:xavier_normal_',
                'torch.nn.init:xavier_uniform_', 'torch.nn.init:calculate_gain',
                'torch.nn.init:_calculate_fan_in_and_fan_out', 'torch.nn.init:_calculate_correct_fan',
                'dlcourse.nn.init:kaiming_normal_', 'dlcourse.nn.init:kaiming_uniform_', 'dlcourse.nn.init:xavier_normal_',
                'dlcourse.nn.init:xavier_uniform_', 'dlcourse.nn.init:calculate_gain', 'dlcourse.nn.init:fan_in_and_fan_out'),
        allowed='weight.shape, math.prod and math.sqrt, torch.no_grad() and weight.normal_(0.0, std, generator=generator)',
        why=("nn.init.kaiming_normal_(weight, mode=mode, nonlinearity='relu', generator=generator) (the tests' "
             "reference) and dlcourse's kaiming_normal_ are the answer in one call; the other init functions, "
             'calculate_gain and the fan helpers hand over the fan or the gain, the two things to get right')),
    'normalization-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: numbers and True or False',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values; the hidden test reruns the four lines with '
             "dlcourse's BatchNorm1d in the grader")),
    'normalization-layer-norm': Rule(
        forbid=('torch.nn.functional:layer_norm', 'torch:layer_norm', 'torch:native_layer_norm',
                'torch:ops.aten.native_layer_norm', 'dlcourse.nn.normalization:layer_norm',
                'torch.nn.functional:group_norm', 'torch:group_norm', 'torch:native_group_norm',
                'torch.nn.functional:instance_norm', 'torch:instance_norm',
                'torch.nn.functional:batch_norm', 'torch:batch_norm', 'torch:native_batch_norm',
                'dlcourse.nn.normalization:batch_norm'),
        allowed='mean over the last dimension with keepdim=True, ** 2, torch.sqrt (or rsqrt) and broadcasting',
        why=("F.layer_norm (the tests' reference), nn.LayerNorm and dlcourse's layer_norm / LayerNorm are the answer;"
             ' group_norm with one group, instance_norm of x[None] and batch_norm of x.T normalise each example over '
             'its features in one call too (the modules reach these functions, which the guard sees)')),
    # 03-training/08-diagnosing-training
    'diagnosing-clip-grad-norm': Rule(
        # PyTorch's four share one wrapper's code (the profiler sees that), so any of them, the deprecated
        # clip_grad_norm included, is reported by the last one's name: the one a student most likely called
        forbid=('torch.nn.utils:clip_grad_value_', 'torch.nn.utils:clip_grads_with_norm_', 'torch.nn.utils:get_total_norm',
                'torch.nn.utils:clip_grad_norm_', 'dlcourse.optim_clip:clip_grad_norm_', 'dlcourse.optim_clip:clip_grad_value_',
                'dlcourse.optim_clip:total_grad_norm'),
        allowed=('p.grad, torch.linalg.vector_norm (or Tensor.norm) per gradient, torch.stack, torch.clamp (or min) '
                 'and an in-place mul_ under torch.no_grad()'),
        why=("torch.nn.utils.clip_grad_norm_ (the tests' reference) and dlcourse's clip_grad_norm_ are the answer in "
             'one call; get_total_norm / total_grad_norm hand over the norm of the norms and clip_grads_with_norm_ '
             'the scaling, the two halves of the task')),
    'diagnosing-runs': Rule(
        note='no code computes a diagnosis: read each one from the curves, before running anything.',
        allowed='literals: the five offered strings, each once',
        why=('a diagnosis is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values; the hidden test asks the lesson\'s '
             'planted_faults, rebuilt in the grader, which fault each run carries')),
    # ========== Chapter 04-advances ==========
    # 04-advances/01-self-supervised
    'self-nt-xent': Rule(
        forbid=('dlcourse.nn.contrastive:nt_xent_loss',),
        allowed=('torch.cat, the norm of each row (or F.normalize), a matrix product, torch.eye as a mask with '
                 'masked_fill, torch.arange for the positives, and F.cross_entropy or torch.logsumexp for the last step'),
        why=('dlcourse.nn.nt_xent_loss (the tests\' reference) is the answer; torch has no NT-Xent. F.cross_entropy and '
             'logsumexp stay allowed: the exercise is the 2N x 2N similarity matrix, its masked diagonal and the '
             'positives\' indices, and the cross-entropy of the masked rows is Chapter 1\'s loss')),
    'self-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: numbers',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values; the hidden test computes the four losses '
             "with dlcourse's nt_xent_loss in the grader")),
    # 04-advances/03-federated
    'federated-fedavg': Rule(
        forbid=('dlcourse.federated:fedavg', 'torch.func:stack_module_state', 'torch.optim.swa_utils:AveragedModel'),
        allowed=('a loop over the keys, torch.stack (or a running sum), the weights as a tensor normalised by their '
                 'sum, broadcasting, sum over the clients, torch.round and .to(dtype)'),
        why=("dlcourse.federated.fedavg (the hidden tests' reference) is the answer in one call; "
             "torch.func.stack_module_state stacks the clients' parameters and buffers in one call and "
             "AveragedModel keeps a running average of models")),
    'federated-predict': Rule(
        note='no code computes a prediction: reason each one out from the derivation, before running anything.',
        allowed='literals: True or False',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values; the hidden test runs the four rounds '
             'in the grader')),
    'federated-reconstruct-input': Rule(
        forbid=('dlcourse.federated:reconstruct_input',),
        allowed='indexing a row, argmax of |grad_b|, division, or a matrix-vector product and a sum of squares',
        why=("dlcourse.federated.reconstruct_input (the hidden tests' reference) is the answer in one call")),
    # 04-advances/04-graph-neural-networks
    'graph-gcn-layer': Rule(
        forbid=('torch_geometric.nn:GCNConv', 'torch_geometric.nn.conv.gcn_conv:gcn_norm',
                'torch_geometric.utils:add_self_loops', 'torch_geometric.utils:add_remaining_self_loops',
                'torch_geometric.utils:degree', 'torch_geometric.nn:SimpleConv', 'dlcourse.nn.gcn:GCNConv',
                'dlcourse.nn.gcn:gcn_norm', 'dlcourse.nn.gcn:propagate'),
        allowed=('torch.arange and torch.cat for the self-loops, index_add_ (or scatter_add_, bincount) for degrees '
                 'and sums, index_select, rsqrt and a matrix product'),
        why=("PyTorch Geometric's GCNConv (the tests' reference) and dlcourse's GCNConv are the layer in one call; "
             'gcn_norm hands over the normalised edge weights, add_self_loops / degree two of its three steps, '
             "SimpleConv / dlcourse's propagate the weighted sum into the targets")),
    'graph-gcn-backward': Rule(
        autograd=True,
        allowed=('the ingredients of the forward pass (self-loops, degrees, index_add_ along the edges, '
                 'index_select), matrix products, transposes and sums'),
        why=('the derivative is the exercise: autograd through any GCN layer (PyG, dlcourse or the student\'s own '
             'gcn_layer) returns the three gradients without the derivation')),
    'graph-predict': Rule(
        note='no code computes the answers: predict each from the figure and the formulas, before running anything.',
        allowed='literals: a number, a set of node numbers and one of the four offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             'test checks their form, and the hidden test computes the truth with gcn_norm and matrix powers')),
    'graph-target': Rule(
        forbid=('dlcourse.data.graphs:community_graph',),
        allowed=('any model and training loop built from torch, dlcourse (dnn.GCNConv, the GCN class of the '
                 'lesson) and PyTorch Geometric, trained on the labels it is given'),
        why=('regenerating the graph inside the call would hand over the class of every node, the unlabelled '
             'nodes on which the predictions are scored included')),
    # 04-advances/05-large-models
    'large-count-parameters': Rule(
        forbid=('dlcourse.nn.gpt:count_parameters', 'dlcourse.nn.gpt:GPT', 'torch.nn:Module.parameters',
                'torch.nn:Module.named_parameters', 'torch.nn:Module.state_dict'),
        allowed='integer arithmetic on V, D, L and T, one term per part of the model',
        why=("building the GPT and summing numel over its parameters (the tests' reference) counts without the "
             "formula; dlcourse's count_parameters is the formula")),
    'large-causal-mask': Rule(
        forbid=('torch.nn:Transformer.generate_square_subsequent_mask',),
        allowed='torch.ones with dtype=torch.bool and tril or triu (mind the diagonal), or a comparison of two aranges',
        why=("nn.Transformer.generate_square_subsequent_mask returns the causal mask (as -inf above the diagonal) in "
             'one call: choosing the convention and the diagonal is the repair')),
    'large-distillation-loss': Rule(
        forbid=('torch.nn.functional:kl_div', 'torch.nn:KLDivLoss', 'torch.nn.functional:cross_entropy',
                'torch.nn:CrossEntropyLoss', 'torch.distributions:kl_divergence', 'torch.distributions:Categorical',
                'dlcourse.nn.gpt:distillation_loss'),
        allowed='torch.log_softmax, exp, subtraction, sum over the last dimension, mean and the factor tau ** 2',
        why=("F.kl_div (batchmean), F.cross_entropy with soft targets (minus the teacher's entropy), "
             "kl_divergence of two Categorical distributions (the tests' reference) and dlcourse's distillation_loss "
             'each give the KL term in one call')),
    # 04-advances/02-transfer
    'transfer-param-groups': Rule(
        forbid=('dlcourse.transfer:param_groups', 'dlcourse.transfer:freeze'),
        allowed="module.parameters(), list(), id() of each parameter, p.requires_grad_(...) and dicts",
        why=("dlcourse.transfer.param_groups is the answer in one call and dlcourse.transfer.freeze sets "
             "requires_grad on a whole module; PyTorch has no built-in that builds the groups")),
    'transfer-predict': Rule(
        note='no code computes a prediction: work each out by reasoning, before running anything.',
        allowed='literals: True or False',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             "visible test looks at their form, never at their values; the hidden test reruns the lesson's "
             'pretrain and score in the grader')),
    # ---------------------------------------- end of 04-advances
    # ========== Chapter 05-applications ==========
    # 05-applications/01-vision
    'vision-box-iou': Rule(
        forbid=('dlcourse.vision.boxes:box_iou', 'dlcourse.vision.boxes:box_area', 'dlcourse.vision.boxes:nms',
                'dlcourse.vision.average_precision:match_detections'),
        allowed=('broadcasting (boxes1[:, None] against boxes2[None]), torch.maximum / torch.minimum, clamp and '
                 'elementwise arithmetic'),
        why=("dlcourse's box_iou is the exercise in one call; box_area is half of it, and nms and match_detections "
             'compute the IoU matrix on the way')),
    'vision-nms': Rule(
        forbid=('dlcourse.vision.boxes:nms',),
        allowed=('dlcourse.vision.box_iou (or your box_iou of Exercise 1), torch.sort or argsort, and a loop over '
                 'the boxes'),
        why=("dlcourse's nms is the exercise in one call (and what decode runs on the detector's boxes, so calling "
             'decode calls it too); the IoU is allowed because Exercise 1 was about it and this one is about the '
             'greedy loop')),
    'vision-dice-grad': Rule(
        autograd=True,
        allowed='sums, products and elementwise arithmetic on the tensors, with the derivative worked out by hand',
        why=('the derivative is the exercise: autograd through the loss returns it without the quotient rule')),
    'vision-predict': Rule(
        note='no code computes the answers: work each out from the definitions, before running anything.',
        allowed='literals: two numbers and a list of box indices',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             "test checks their form, and the hidden test computes the truth with dlcourse's box_iou, nms and "
             'average_precision in the grader')),
    # 05-applications/02-language
    'language-beam': Rule(
        forbid=('dlcourse.text.decoding:beam_search',),
        allowed=("the first attempt's ingredients: topk over the flattened scores, integer division and remainder "
                 'for the prefix and the token, torch.cat, a boolean mask of the finished extensions, lists'),
        why="dlcourse.text.beam_search (the tests' reference) is the repaired search in one call"),
    'language-bleu': Rule(
        forbid=('dlcourse.text.bleu_score:bleu', 'dlcourse.text.bleu_score:clipped_counts',
                'dlcourse.text.bleu_score:brevity_penalty', 'dlcourse.text.bleu_score:ngrams',
                'torchmetrics.text:BLEUScore', 'torchmetrics.text:SacreBLEUScore',
                'torchmetrics.functional.text:bleu_score', 'torchmetrics.functional.text:sacre_bleu_score'),
        allowed=('collections.Counter (its & and | keep the smaller and the larger count), slices of the token '
                 'lists, math.log and math.exp'),
        why=("torchmetrics' BLEUScore / bleu_score (the tests' reference) and dlcourse's bleu are the score in one "
             "call; clipped_counts and brevity_penalty are its two halves, ngrams the counting")),
    'language-predict': Rule(
        note='no code computes a prediction: work each out from the definitions, before running anything.',
        allowed='literals: three numbers and True or False',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             "test checks their form, and the hidden test computes the truth with dlcourse's bleu and a "
             'BagOfEmbeddings')),
    # 05-applications/04-medicine
    'medicine-sensitivity': Rule(
        forbid=('dlcourse.metrics:sensitivity_specificity', 'dlcourse.metrics:confusion_matrix',
                'dlcourse.metrics:precision_recall_f1', 'sklearn.metrics:confusion_matrix',
                'sklearn.metrics:recall_score', 'sklearn.metrics:precision_recall_fscore_support',
                'sklearn.metrics:classification_report'),
        allowed='torch.as_tensor, comparisons with the threshold, boolean masks, sums and integer division',
        why=("dlcourse.metrics.sensitivity_specificity is the answer in one call; sklearn's recall_score of each "
             "class (the hidden tests' reference), its confusion_matrix and dlcourse's confusion_matrix / "
             "precision_recall_f1 count TP, FN, TN and FP")),
    'medicine-predict': Rule(
        note='no code computes a prediction: reason each one out from the counts printed above, before running anything.',
        allowed='literals: two numbers between 0 and 1',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             'test checks their form, and the hidden test computes the truth from the 5 % test population')),
    'medicine-ece': Rule(
        forbid=('dlcourse.calibration:expected_calibration_error', 'dlcourse.calibration:calibration_curve',
                'sklearn.calibration:calibration_curve',
                'torchmetrics.functional.classification:binary_calibration_error',
                'torchmetrics.classification:BinaryCalibrationError'),
        allowed=('torch.as_tensor, the bin index of each probability (torch.searchsorted or torch.bucketize on the '
                 'inner edges, or a loop over the bins), bincount or index_add, masks, abs and sums'),
        why=("dlcourse.calibration.expected_calibration_error (the hidden tests' reference) and torchmetrics' "
             "binary_calibration_error / BinaryCalibrationError are the answer in one call; calibration_curve "
             "(dlcourse's or sklearn's) hands over the per-bin fractions and means")),
    'medicine-threshold': Rule(
        forbid=('dlcourse.metrics:threshold_for_sensitivity', 'dlcourse.metrics:roc_curve',
                'dlcourse.metrics:_counts_at_thresholds', 'sklearn.metrics:roc_curve'),
        allowed=('sorting the scores, a loop over the distinct scores (or a cumulative sum of the sorted labels), '
                 'your sensitivity_specificity from Exercise 1 or dlcourse.metrics.sensitivity_specificity'),
        why=("dlcourse.metrics.threshold_for_sensitivity (the hidden tests' reference) is the answer in one call; "
             "roc_curve (dlcourse's or sklearn's) lists every threshold with its sensitivity, leaving one index")),
    # 05-applications/03-speech
    'speech-spectrogram': Rule(
        forbid=('torch:stft', 'torch:Tensor.stft', 'dlcourse.audio.stft:spectrogram', 'dlcourse.audio.stft:frames',
                'dlcourse.audio.mel:log_mel_spectrogram'),
        allowed=('F.pad with mode="reflect", Tensor.unfold, torch.hann_window, torch.fft.rfft (or a DFT matrix of cos '
                 'and sin), the squared real and imaginary parts, and transpose'),
        why=("torch.stft (the tests' reference) and dlcourse.audio.spectrogram are the answer in one call, "
             "log_mel_spectrogram calls the latter, and dlcourse.audio.frames does the padding and framing; "
             'torch.fft.rfft stays allowed: the exercise is the centring, framing and windowing around the DFT, '
             'and the lesson shows the DFT matrix that rfft computes')),
    'speech-predict': Rule(
        note='no code computes a prediction: work each out from the formulas, before running anything.',
        allowed='literals: integers',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, and the '
             'visible test looks at their form, never at their values; the hidden test computes the spectrograms '
             "of the three tones with dlcourse.audio.spectrogram in the grader")),
    'speech-eer': Rule(
        forbid=('dlcourse.audio.verification:equal_error_rate', 'dlcourse.audio.verification:far_frr',
                'dlcourse.metrics:roc_curve', 'sklearn.metrics:roc_curve', 'sklearn.metrics:det_curve',
                'torchmetrics.functional.classification:binary_eer', 'torchmetrics.functional.classification:eer',
                'torchmetrics.functional.classification:binary_roc', 'torchmetrics.functional.classification:roc'),
        allowed=('torch.unique, a comparison of the scores with every threshold (broadcasting) or torch.searchsorted, '
                 'mean or sum, torch.nonzero and arithmetic on the two rates'),
        why=("dlcourse.audio.equal_error_rate (the tests' reference) and torchmetrics' binary_eer are the answer in "
             "one call; far_frr, roc_curve (dlcourse's, sklearn's, torchmetrics') and det_curve hand over both "
             'error rates at every threshold, which leaves only the interpolation')),
    # 05-applications/05-autonomous-driving
    'driving-predict': Rule(
        note='no code computes a prediction: reason each one out from the two sensors, before running anything.',
        allowed='literals: the offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             'test checks their form, and the hidden test compares them with the mAP of the three detectors')),
    'driving-astar': Rule(
        forbid=('dlcourse.planning:astar', 'dlcourse.planning:dijkstra', 'networkx:astar_path',
                'networkx:astar_path_length', 'networkx:dijkstra_path', 'networkx:dijkstra_path_length',
                'networkx:shortest_path', 'networkx:shortest_path_length', 'networkx:single_source_dijkstra',
                'networkx:multi_source_dijkstra', 'networkx:bidirectional_dijkstra'),
        allowed='heapq (heappush, heappop), a dict of costs g and of parents, a set of expanded cells and cost.tolist()',
        why=("dlcourse.planning.astar / dijkstra (the hidden tests' reference) and networkx's shortest-path functions "
             'on the grid as a graph return the optimal path in one call')),
    'driving-heuristic': Rule(
        forbid=('dlcourse.planning:manhattan',),
        allowed='torch.isfinite, min over the finite costs and abs',
        why="dlcourse.planning.manhattan is the repaired heuristic in one call"),
    # ---------------------------------------- end of 05-applications
    # ========== Chapter 06-challenges-tools ==========
    # 06-challenges-tools/01-challenges
    'challenges-predict': Rule(
        note='no code computes a prediction: reason each one out from how the training set was built, before running anything.',
        allowed='literals: two numbers between 0 and 1',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             "test checks their form, and the hidden test computes both accuracies of the student's own "
             'shortcut_model on the test 3s and 8s')),
    'challenges-ig': Rule(
        forbid=('dlcourse.explain:integrated_gradients',),
        allowed=('torch.autograd.grad (or .backward()) of the model\'s target scores with respect to each point of the '
                 'path, gather or indexing of the scores, expand_as, a loop over the steps and sums'),
        why=("dlcourse.explain.integrated_gradients (the hidden tests' reference) is the answer in one call; the "
             'gradient itself stays allowed, since the exercise is the path, the midpoint rule and the factor '
             "(x - x'), not differentiation; dlcourse.explain.saliency is one gradient and gives no path")),

    # 06-challenges-tools/02-lightweight-models
    'lightweight-depthwise': Rule(
        forbid=('torch.nn.functional:conv2d', 'torch:conv2d', 'torch:convolution', 'torch.nn:Conv2d',
                'torch.nn.functional:conv3d', 'torch:conv3d', 'dlcourse.nn.conv:conv2d', 'dlcourse.nn.conv:Conv2d',
                'dlcourse.nn.separable:depthwise_conv2d', 'dlcourse.nn.separable:DepthwiseSeparableConv2d',
                'scipy.signal:correlate2d', 'scipy.signal:correlate'),
        allowed=('F.pad, a loop over the kernel offsets with strided slicing, elementwise products, sums and '
                 'torch.einsum (Tensor.unfold, F.unfold and dnn.im2col stay allowed building blocks)'),
        why=("F.conv2d with groups=C and then a 1 x 1 F.conv2d (the tests' reference) computes both steps in two "
             "calls; dlcourse's depthwise_conv2d and DepthwiseSeparableConv2d are the answer; conv3d and scipy's "
             "correlate compute a cross-correlation in one call")),
    'lightweight-target': Rule(
        forbid=('dlcourse.data.digits:load_digits', 'sklearn.datasets:load_digits'),
        allowed=('any model of at most 1,000 parameters and any training loop built from torch and dlcourse '
                 '(convolutions, depthwise-separable layers, pooling, batch normalization, torch.optim and its '
                 'schedules), trained on the X_train and y_train it is given'),
        why=('loading the digits inside the call would let the model learn from more than the images it is '
             'given, the held-out test digits included')),
    'lightweight-predict': Rule(
        note='no code computes a prediction: reason each one out before quantizing anything.',
        allowed='literals: a number between 0 and 1, and True or False',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             'test checks their form, and the hidden test quantizes the MLP and measures the truth')),

    # 06-challenges-tools/03-reinforcement-learning
    'reinforcement-returns': Rule(
        forbid=('dlcourse.rl:discounted_returns', 'dlcourse.rl:returns_to_go'),
        allowed=('a loop over the steps from the last to the first, torch.zeros / torch.empty_like, indexing with '
                 '[..., t], multiplication by gamma and by (~dones) as a float'),
        why=("dlcourse.rl.returns_to_go (the hidden tests' reference) is the answer in one call, and "
             'dlcourse.rl.discounted_returns gives it for one stream of rewards')),
    'reinforcement-grad': Rule(
        forbid=('dlcourse.rl:reinforce_loss',),
        autograd=True,
        allowed=('torch.softmax, torch.nn.functional.one_hot, subtraction, broadcasting and the matrix product '
                 '(the transpose of a (N, A) weight matrix times the (N, D) states)'),
        why=('the derivative is the exercise: autograd of the summed, weighted log-probabilities (or of '
             "dlcourse.rl.reinforce_loss, whose gradient is minus this estimate) returns it in one call")),
    'reinforcement-bug': Rule(
        forbid=('dlcourse.rl:reinforce_loss',),
        allowed='torch.log_softmax, gather (or indexing), .detach(), squares and means',
        why=("dlcourse.rl.reinforce_loss is the repaired policy term in one call: it detaches the weights G - b")),

    # 06-challenges-tools/04-cross-modal-ethics-safety
    'ethics-fairness': Rule(
        forbid=('dlcourse.fairness:demographic_parity_difference', 'dlcourse.fairness:equalized_odds_difference',
                'dlcourse.fairness:selection_rates', 'dlcourse.fairness:group_error_rates',
                'dlcourse.metrics:confusion_matrix', 'dlcourse.metrics:precision_recall_f1',
                'dlcourse.metrics:sensitivity_specificity', 'sklearn.metrics:confusion_matrix',
                'sklearn.metrics:recall_score', 'sklearn.metrics:precision_recall_fscore_support'),
        allowed='torch.as_tensor, torch.unique, boolean masks per group, sums, means, max and min',
        why=("dlcourse.fairness's two functions (the hidden tests' reference) are the answer in one call, and its "
             "selection_rates / group_error_rates hand over the per-group rates; a per-group confusion matrix "
             "(sklearn's or dlcourse's), recall_score or sensitivity_specificity gives each group's TPR and FPR, "
             "which is the counting the exercise asks for")),
    'ethics-predict': Rule(
        note='no code computes a prediction: reason each one out from the accuracies printed above, before running anything.',
        allowed='literals: two numbers between -1 and 1',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             "test checks their form, and the hidden test computes both attacks' advantages from the two models "
             'of the notebook in the grader')),
    'safety-fgsm-grad': Rule(
        forbid=('dlcourse.adversarial:fgsm',),
        autograd=True,
        allowed=('torch.sigmoid, matrix products, torch.sign and elementwise arithmetic, with the gradient worked '
                 'out by hand'),
        why=('the derivative is the exercise: autograd through the binary cross-entropy returns the input gradient '
             'in one call, and dlcourse.adversarial.fgsm (the tests\' reference, with a logit model and '
             'binary_cross_entropy_with_logits) is the whole answer')),

    # 06-challenges-tools/05-tools-frameworks
    'tools-predict': Rule(
        note='no code computes a prediction: reason each one out from what each tool does with Python, before running anything.',
        allowed='literals: two lists of three numbers and one of the offered strings',
        why=('a prediction is a commitment made before the check: the answer cell holds literals only, the visible '
             'test checks their form, and the hidden test runs the function eagerly, traced, exported and compiled '
             'in the grader')),
    'tools-deploy': Rule(
        forbid=('dlcourse.export:export_onnx', 'dlcourse.export:run_onnx', 'dlcourse.export:max_difference'),
        allowed=('torch.onnx.export(..., dynamo=True, dynamic_shapes=...) with torch.export.Dim, model.eval() and '
                 'model.train(mode), onnxruntime.InferenceSession and its run, Tensor.detach, cpu and numpy'),
        why=("dlcourse.export.export_onnx is the repaired export in one call (eval mode, the mode given back, a dynamic "
             "batch dimension), run_onnx the repaired prediction, and max_difference calls both")),

    # 06-challenges-tools/06-outlook
    'outlook-flops': Rule(
        forbid=('dlcourse.compute:training_step_flops', 'dlcourse.compute:count_flops',
                'torch.utils.flop_counter:FlopCounterMode'),
        allowed='arithmetic on the widths (products and sums, a loop over the layers), dlcourse.compute.linear_flops',
        why=("dlcourse.compute.training_step_flops (the tests' reference) and FlopCounterMode count the step by "
             'running it; count_flops gives the forward half')),
    'outlook-energy': Rule(
        note='no code computes an estimate: work each out from the numbers printed above, before running anything.',
        allowed='literals: a positive number and one of the offered strings',
        why=('an estimate is a commitment made before the count: the answer cell holds literals only, the visible test '
             "checks their form, and the hidden test counts the training run's operations with FlopCounterMode in "
             'the grader')),

    # ---------------------------------------- end of 06-challenges-tools
}
