"""The student's side of a judged hidden test: make the calls the judge asks for, in the student's kernel.

``judge.py`` never sends a hidden test to the student's kernel. It sends requests, one silent execution
each (``store_history=False``, so none of them enters ``_ih``), that call ``handle`` here with JSON:

- ``pin``: remember the objects the student's names refer to at this point of the notebook (a function
  keeps the namespace's bindings of this point for its global names), and send a
  copy of the lesson's data a test reads (``x5``, ``y_val``) as it is there;
- ``call``: decode arguments (``wire.py``), call a pinned function (or a handle) under the exercise's
  from-scratch rule (``rules.Guard``), and return the result,
  the changes the call made to what it was given (tensors changed in place, gradients, a generator's
  state, the attributes of an object), and the random state after the call;
- ``vjp``: the gradient of a call's inputs for given output gradients (``torch.autograd.grad`` with the
  graph kept), so that a test can backpropagate through the student's code from the judge's side;
- ``getattr``: an attribute of an object kept here (a *handle*); ``fetch``: the value of a pinned name
  that is not a function (a number the student chose); ``release``: forget the calls kept for gradients.

The reply is one display message of type ``application/vnd.dlcourse.reply`` holding a JSON string.

Nothing here is trusted. The student's code may replace this module, rewrite the requests with an input
transformer, or answer anything at all: the judge only ever receives data, checks it with its own copy of
the test, and a wrong or missing answer fails the test. The module keeps its registry (``_SESSION``) at
module level because it lives in the kernel between requests.
"""

from __future__ import annotations

import hashlib
import json
import traceback
import types
from contextlib import nullcontext
from typing import Any

import torch

from dlcourse.grading.rules import Guard, Rule
from dlcourse.grading.wire import Decoder, Encoder, WireError, _b64, _state, _unb64, qualified_name, tensor_bytes

MIME = "application/vnd.dlcourse.reply"


class _Session:
    def __init__(self) -> None:
        self.pins: dict[str, dict[str, Any]] = {}
        self.snapshots: dict[str, dict[str, Any]] = {}    # exercise -> the namespace's bindings when pinned
        self.handles: dict[int, Any] = {}
        self.calls: dict[int, tuple[list, list]] = {}
        self.counter = 0

    def keep(self, obj: Any) -> int:
        self.counter += 1
        self.handles[self.counter] = obj
        return self.counter


_SESSION = _Session()


def _namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _error(exc: BaseException) -> dict:
    return {"type": type(exc).__name__, "message": str(exc)[:2000],
            "builtin": isinstance(exc, BaseException) and type(exc).__module__ == "builtins"}


def _fingerprint(obj: Any, origins: dict[int, str], classes: set[str]) -> str:
    """What a call may change of an object it was given, as text to compare before and after."""
    if isinstance(obj, torch.Tensor):
        grad = obj.grad if obj.is_leaf else None
        h = hashlib.blake2b(tensor_bytes(obj), digest_size=16)
        if grad is not None:
            h.update(b"grad" + tensor_bytes(grad))
        return f"{tuple(obj.shape)}/{obj.dtype}/{obj.requires_grad}/{grad is None}/{h.hexdigest()}"
    if isinstance(obj, torch.Generator):
        return hashlib.blake2b(tensor_bytes(obj.get_state()), digest_size=16).hexdigest()
    if isinstance(obj, torch.nn.Module):
        return str(obj.training)
    enc = Encoder(trusted=False, origins=origins, classes=classes, handle=id)
    try:
        return json.dumps(enc.encode(_state(obj)), sort_keys=True)
    except WireError:
        return "?"


def _updates(dec: Decoder, before: dict[str, str], enc: Encoder, classes: set[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, obj in dec.objects.items():
        if _fingerprint(obj, dec.origins, classes) == before[key]:
            continue
        if isinstance(obj, torch.Tensor):
            out[key] = {"tensor": Encoder(trusted=False).encode(obj)}
        elif isinstance(obj, torch.Generator):
            out[key] = {"generator": _b64(tensor_bytes(obj.get_state()))}
        elif isinstance(obj, torch.nn.Module):
            out[key] = {"training": bool(obj.training)}
        elif qualified_name(type(obj)) in classes:
            out[key] = {"state": enc.encode(_state(obj))}
    return out


def _encoder(req: dict, origins: dict[int, str] | None = None) -> Encoder:
    """How a reply is encoded: the judge's classes rebuilt there, anything else kept here as a handle."""
    return Encoder(trusted=False, origins=origins, classes=set(req.get("classes", [])), handle=_SESSION.keep)


def _target(spec: dict) -> Any:
    if "pin" in spec:
        exercise, name = spec["pin"]
        pinned = _SESSION.pins.get(exercise, {})
        if name not in pinned:
            raise NameError(f"name {name!r} is not defined")
        return pinned[name]
    return _SESSION.handles[int(spec["handle"])]


def _call(req: dict) -> dict:
    classes = set(req.get("classes", []))
    target = req["target"]
    # objects of the notebook's classes are rebuilt with the classes bound where the test stands
    namespace = _SESSION.snapshots.get(str(target["pin"][0]), _namespace()) if "pin" in target else _namespace()
    dec = Decoder(rebuild_any=True, namespace=namespace)
    args, kwargs = dec.decode(req["args"])
    fn = _target(req["target"])
    before = {key: _fingerprint(obj, dec.origins, classes) for key, obj in dec.objects.items()}
    if req.get("rng"):
        torch.set_rng_state(torch.frombuffer(bytearray(_unb64(req["rng"])), dtype=torch.uint8))
    reply: dict[str, Any] = {}
    rule = req.get("rule")
    guard = Guard(str(rule["exercise"]), Rule(tuple(rule["forbid"]), bool(rule["autograd"]), str(rule["allowed"]))) \
        if rule else nullcontext()
    with torch.set_grad_enabled(bool(req.get("grad"))):
        try:
            with guard:
                value = fn(*args, **kwargs)
        except (Exception, SystemExit) as exc:   # the student's code failed: the judge decides what that means
            reply["error"] = _error(exc)
            value = None
    if isinstance(guard, Guard) and (guard.violations or guard.tampered):
        reply["violation"] = {"call": guard.violations[0] if guard.violations else "", "tampered": bool(guard.tampered)}
        reply.setdefault("error", {"type": "ForbiddenCall", "message": "", "builtin": False})
    enc = _encoder(req, dec.origins)
    if "error" not in reply:
        reply["value"] = enc.encode(value)
    reply["updates"] = _updates(dec, before, enc, classes)
    reply["rng"] = _b64(tensor_bytes(torch.get_rng_state()))
    outputs = [(k, t) for k, t in enc.tensors() if t.requires_grad and id(t) not in dec.origins]
    inputs = [dec.objects[k] for k in req.get("grad_inputs", [])]
    if req.get("grad") and outputs and inputs:
        _SESSION.counter += 1
        _SESSION.calls[_SESSION.counter] = (inputs, [t for _, t in outputs])
        reply["call"] = _SESSION.counter
        reply["differentiable"] = [k for k, _ in outputs]
    return reply


def _vjp(req: dict) -> dict:
    inputs, outputs = _SESSION.calls[int(req["call"])]
    grads = Decoder(rebuild_any=True).decode(req["grads"])
    pairs = [(o, g) for o, g in zip(outputs, grads) if g is not None]
    need = [i for i, t in enumerate(inputs) if isinstance(t, torch.Tensor) and t.requires_grad]
    result: list[Any] = [None] * len(inputs)
    if pairs and need:
        got = torch.autograd.grad([o for o, _ in pairs], [inputs[i] for i in need], [g for _, g in pairs],
                                  retain_graph=True, allow_unused=True)
        for i, g in zip(need, got):
            result[i] = g
    return {"grads": Encoder(trusted=False).encode(result)}


def _getattr(req: dict) -> dict:
    value = getattr(_target(req["target"]), str(req["name"]))
    enc = _encoder(req)
    return {"value": enc.encode(value)}


def _fetch(req: dict) -> dict:
    enc = _encoder(req)
    return {"value": enc.encode(_target(req["target"]))}


def _as_of_now(fn: Any, ns: dict, snapshot: dict) -> Any:
    """A notebook function that looks up its global names in ``snapshot`` (the namespace as it is now), so
    that a later cell rebinding a name (``Value``, ``device``) does not change what it calls."""
    if not isinstance(fn, types.FunctionType) or fn.__globals__ is not ns:
        return fn
    clone = types.FunctionType(fn.__code__, snapshot, fn.__name__, fn.__defaults__, fn.__closure__)
    clone.__kwdefaults__, clone.__qualname__ = fn.__kwdefaults__, fn.__qualname__
    clone.__dict__.update(fn.__dict__)
    return clone


def _pin(req: dict) -> dict:
    ns = _namespace()
    snapshot = dict(ns)
    found = {name: _as_of_now(ns[name], ns, snapshot) for name in req["names"] if name in ns}
    _SESSION.pins[str(req["exercise"])] = found
    _SESSION.snapshots[str(req["exercise"])] = snapshot
    enc = _encoder(req)
    values = {name: ns[name] for name in req.get("copies", []) if name in ns}
    return {"kinds": {name: "callable" if callable(obj) else "value" for name, obj in found.items()},
            "values": enc.encode(values)}


def _release(req: dict) -> dict:
    _SESSION.calls.clear()
    return {}


_OPS = {"call": _call, "vjp": _vjp, "getattr": _getattr, "fetch": _fetch, "pin": _pin, "release": _release}


def handle(text: str) -> None:
    """Answer one request of the judge (see the module docstring) with one display message."""
    from IPython.display import publish_display_data

    try:
        req = json.loads(text)
        reply = _OPS[req["op"]](req)
    except Exception as exc:   # noqa: BLE001  (a request this side cannot serve: the judge reports it)
        reply = {"failure": _error(exc), "where": traceback.format_exc(limit=3)[-1500:]}
    publish_display_data({MIME: json.dumps(reply)})
