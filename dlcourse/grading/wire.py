"""What crosses between a student's kernel and the judge: values as JSON, never pickle.

The judge (``judge.py``) calls a student's function by sending its arguments to the student's kernel,
where ``agent.py`` decodes them, makes the call and sends the result back. Both directions use this
module, with different rules for what may be rebuilt:

- **judge -> student** (``Encoder(trusted=True)``, decoded with ``Decoder(rebuild_any=True)``): anything the
  hidden tests pass, including modules (rebuilt from their class and attributes), functions and classes by
  their import path, and objects of classes the notebook defines. Whatever the student's process does with
  them cannot reach back.
- **student -> judge** (``Encoder(trusted=False)``, decoded with ``Decoder(rebuild_any=False)``): plain data
  only (numbers, strings, containers, tensors, NumPy arrays, generator states) plus objects of the classes
  the judge names (``classes``), rebuilt from decoded data without running their ``__init__``. Anything else
  (a function, a module the student built, an instance of the student's own class) stays in the student's
  kernel and arrives as a *handle* that the judge can only call or ask for attributes, through the kernel.
  Nothing a submission sends can make the judge import a module, run a constructor or unpickle bytes.

Objects keep their identity within one message (a memo, as pickle has), and an object that came *from*
the judge is sent back as a reference to the judge's own object (``{"$origin": key}``), so a test that
asks ``order[-1] is root`` of a student's function still can.

Tagged forms (every JSON object carries one ``$`` tag; JSON arrays are lists)::

    {"$tuple": [...]}  {"$iter": [...]}  {"$dict": [[k, v], ...]}  {"$tensor": key, "dtype", "shape", "data", ...}
    {"$ndarray": ..., "dtype", "shape"}  {"$generator": key, "state"}  {"$object": key, "class", "state"}
    {"$weakref": value}  {"$ref": key}  {"$origin": key}  {"$handle": id, "type"}  {"$callable": "module:qualname"}
"""

from __future__ import annotations

import base64
import collections
import collections.abc
import importlib
import sys
import types
import weakref
from typing import Any, Callable

import numpy as np
import torch

MAX_MESSAGE = 256 * 2**20          # characters of one reply the judge accepts

_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128,
    torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool)}


class WireError(ValueError):
    """A value that cannot cross (an unsupported type), or a message that breaks the format."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    if not isinstance(text, str):
        raise WireError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def tensor_bytes(t: torch.Tensor) -> bytes:
    """The raw bytes of a tensor's values (CPU, contiguous; bfloat16 through int16)."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def _tensor_from(raw: bytes, dtype: str, shape: list[int]) -> torch.Tensor:
    if dtype not in _DTYPES:
        raise WireError(f"unsupported tensor dtype {dtype!r}")
    if not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
        raise WireError("bad tensor shape")
    dt = _DTYPES[dtype]
    numel = 1
    for s in shape:
        numel *= s
    if numel == 0:
        return torch.empty(shape, dtype=dt)
    view = torch.int16 if dt == torch.bfloat16 else dt
    t = torch.frombuffer(bytearray(raw), dtype=view)
    if t.numel() != numel:
        raise WireError("tensor data does not match its shape")
    t = t.reshape(shape)
    return t.view(torch.bfloat16) if dt == torch.bfloat16 else t


def qualified_name(obj: Any) -> str | None:
    """``module:qualname`` when ``obj`` (a function, class or builtin) can be found again by that path."""
    module, qual = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not qual or "<" in qual:
        return None
    if isinstance(obj, types.BuiltinFunctionType) and "." in qual:
        # a C function exported under its own name: torch.relu's qualname is "_VariableFunctionsClass.relu",
        # which names no attribute of torch, but "torch:relu" finds it again
        name = getattr(obj, "__name__", None)
        if name and getattr(sys.modules.get(module), name, None) is obj:
            return f"{module}:{name}"
    return f"{module}:{qual}"


def resolve(path: str, namespace: dict | None = None) -> Any:
    """The object at ``module:qualname`` (``__main__`` is the notebook's namespace when given)."""
    module, _, qual = path.partition(":")
    if module == "__main__" and namespace is not None:
        obj: Any = namespace
        first, *rest = qual.split(".")
        obj = namespace[first]
    else:
        obj = importlib.import_module(module)
        rest = qual.split(".")
    for part in rest:
        obj = getattr(obj, part)
    return obj


def _state(obj: Any) -> dict[str, Any]:
    """An object's attributes: its ``__dict__`` and any ``__slots__`` that are set."""
    state = dict(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        for name in getattr(klass, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                state[name] = getattr(obj, name)
    return state


def _set_state(obj: Any, state: dict[str, Any]) -> None:
    for name, value in state.items():
        object.__setattr__(obj, name, value)


class Encoder:
    """Turn a value into JSON-ready data, keeping shared objects shared (see the module docstring).

    ``trusted``: the judge encodes (functions and classes go by import path, other objects by attributes);
    otherwise the student's side encodes, and ``origins`` (``id(obj) -> key``) names the objects that came
    from the judge, ``classes`` the kinds of object the judge will rebuild, and ``handle`` keeps anything
    else in the kernel and returns its handle id.
    """

    def __init__(self, trusted: bool, origins: dict[int, str] | None = None, classes: set[str] | None = None,
                 handle: Callable[[Any], int] | None = None):
        self.trusted = trusted
        self.origins = origins or {}
        self.classes = classes or set()
        self.handle = handle
        self.memo: dict[int, str] = {}
        self.objects: dict[str, Any] = {}      # key -> object, for every tensor/generator/object encoded

    def _key(self, obj: Any) -> tuple[str, bool]:
        k = self.memo.get(id(obj))
        if k is not None:
            return k, False
        k = str(len(self.memo))
        self.memo[id(obj)] = k
        self.objects[k] = obj
        return k, True

    def tensors(self) -> list[tuple[str, torch.Tensor]]:
        return [(k, v) for k, v in self.objects.items() if isinstance(v, torch.Tensor)]

    def encode(self, v: Any) -> Any:
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and type(v) in (int, bool):
            return v
        if type(v) is float:
            return v
        if not self.trusted and id(v) in self.origins:
            return {"$origin": self.origins[id(v)]}
        if isinstance(v, torch.Tensor):
            return self._tensor(v)
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in "biufc":
                raise WireError(f"cannot send a NumPy array of dtype {v.dtype}")
            return {"$ndarray": _b64(np.ascontiguousarray(v).tobytes()), "dtype": v.dtype.str, "shape": list(v.shape)}
        if isinstance(v, np.generic):
            if v.dtype.kind not in "biufc":
                raise WireError(f"cannot send a NumPy scalar of dtype {v.dtype}")
            return {"$np": _b64(v.tobytes()), "dtype": v.dtype.str}
        if isinstance(v, torch.Size):
            return {"$size": [int(s) for s in v]}
        if isinstance(v, tuple) and type(v) is tuple:
            return {"$tuple": [self.encode(x) for x in v]}
        if type(v) is list:
            return [self.encode(x) for x in v]
        if type(v) in (dict, collections.OrderedDict):
            tag = "$dict" if type(v) is dict else "$odict"
            return {tag: [[self.encode(k), self.encode(x)] for k, x in v.items()]}
        if type(v) in (set, frozenset):
            return {"$set" if type(v) is set else "$frozenset": [self.encode(x) for x in v]}
        if type(v) is bytes:
            return {"$bytes": _b64(v)}
        if isinstance(v, torch.dtype):
            return {"$dtype": str(v).removeprefix("torch.")}
        if isinstance(v, torch.device):
            return {"$device": str(v)}
        if isinstance(v, slice):
            return {"$slice": [self.encode(v.start), self.encode(v.stop), self.encode(v.step)]}
        if v is Ellipsis:
            return {"$ellipsis": True}
        if type(v) is range:
            return {"$range": [v.start, v.stop, v.step]}
        if type(v) is complex:
            return {"$complex": [v.real, v.imag]}
        if self.trusted and isinstance(v, collections.abc.Iterator):
            return {"$iter": [self.encode(x) for x in v]}    # e.g. model.parameters(): the student gets an iterator
        if isinstance(v, torch.Generator):
            k, new = self._key(v)
            if not new:
                return {"$ref": k}
            return {"$generator": k, "state": _b64(tensor_bytes(v.get_state()))}
        if self.trusted:
            return self._trusted_other(v)
        return self._untrusted_other(v)

    def _tensor(self, t: torch.Tensor) -> dict:
        k, new = self._key(t)
        if not new:
            return {"$ref": k}
        dtype = str(t.dtype).removeprefix("torch.")
        if dtype not in _DTYPES:
            raise WireError(f"cannot send a tensor of dtype {t.dtype}")
        grad = t.grad if t.is_leaf else None
        return {"$tensor": k, "dtype": dtype, "shape": list(t.shape), "data": _b64(tensor_bytes(t)),
                "requires_grad": bool(t.requires_grad), "param": isinstance(t, torch.nn.Parameter),
                "grad": self._tensor(grad) if grad is not None else None}

    def _trusted_other(self, v: Any) -> Any:
        if isinstance(v, (types.FunctionType, types.BuiltinFunctionType, type)):
            path = qualified_name(v)
            if path is None:
                raise WireError(f"cannot send {v!r}: only functions and classes defined at the top of a module")
            return {"$callable": path}
        if isinstance(v, weakref.ref):
            target = v()
            return {"$weakref": self.encode(target) if target is not None else None}
        bases = [p for p in (qualified_name(klass) for klass in type(v).__mro__[:-1]) if p]
        if not bases:
            raise WireError(f"cannot send an object of type {type(v).__name__}")
        k, new = self._key(v)
        if not new:
            return {"$ref": k}
        # the class, then its bases: a class the test defines is rebuilt as the nearest one the student has
        return {"$object": k, "class": bases[0], "bases": bases[1:], "state": self.encode(_state(v))}

    def _untrusted_other(self, v: Any) -> Any:
        path = qualified_name(type(v))
        if path in self.classes:
            k, new = self._key(v)
            if not new:
                return {"$ref": k}
            return {"$object": k, "class": path, "state": self.encode(_state(v))}
        if self.handle is None:
            raise WireError(f"cannot send an object of type {type(v).__name__}")
        return {"$handle": self.handle(v), "type": type(v).__name__, "callable": callable(v)}


class Decoder:
    """Rebuild values from ``Encoder`` data.

    ``rebuild_any`` (the student's side): rebuild every object and resolve functions and classes by import
    path (``namespace`` stands for ``__main__``); ``origins`` then records ``id(rebuilt) -> key`` of all that
    came from the judge. Otherwise (the judge's side) only the classes in ``classes`` (``path -> class``)
    are rebuilt, ``$origin`` refers to ``judge_objects``, and ``$handle`` becomes ``make_handle(id, type)``.
    """

    def __init__(self, rebuild_any: bool, namespace: dict | None = None, classes: dict[str, type] | None = None,
                 judge_objects: dict[str, Any] | None = None, make_handle: Callable | None = None):
        self.rebuild_any = rebuild_any
        self.namespace = namespace
        self.classes = classes or {}
        self.judge_objects = judge_objects or {}
        self.make_handle = make_handle
        self.objects: dict[str, Any] = {}          # key -> rebuilt tensor/generator/object
        self.origins: dict[int, str] = {}           # id(rebuilt) -> key (rebuild_any only)

    def _keep(self, key: Any, obj: Any) -> Any:
        if not isinstance(key, str):
            raise WireError("bad object key")
        self.objects[key] = obj
        if self.rebuild_any:
            self.origins[id(obj)] = key
        return obj

    def decode(self, d: Any) -> Any:
        if d is None or isinstance(d, (bool, int, float, str)):
            return d
        if isinstance(d, list):
            return [self.decode(x) for x in d]
        if not isinstance(d, dict) or len(d) == 0:
            raise WireError("bad value")
        tag = next((k for k in d if k.startswith("$")), None)
        if tag is None:
            raise WireError("untagged object")
        body = d[tag]
        if tag == "$tuple":
            return tuple(self.decode(x) for x in body)
        if tag == "$iter":
            if not self.rebuild_any:
                raise WireError("unexpected iterator")
            return iter([self.decode(x) for x in body])
        if tag in ("$dict", "$odict"):
            out = {} if tag == "$dict" else collections.OrderedDict()
            for pair in body:
                k, v = pair
                out[self.decode(k)] = self.decode(v)
            return out
        if tag in ("$set", "$frozenset"):
            items = [self.decode(x) for x in body]
            return set(items) if tag == "$set" else frozenset(items)
        if tag == "$tensor":
            return self._tensor(d)
        if tag == "$ref":
            if body not in self.objects:
                raise WireError("reference to an unknown object")
            return self.objects[body]
        if tag == "$origin":
            if self.rebuild_any or body not in self.judge_objects:
                raise WireError("reference to an unknown object")
            return self.judge_objects[body]
        if tag == "$ndarray":
            dtype = np.dtype(d["dtype"])
            if dtype.kind not in "biufc":
                raise WireError("bad array dtype")
            return np.frombuffer(_unb64(body), dtype=dtype).reshape(d["shape"]).copy()
        if tag == "$np":
            dtype = np.dtype(d["dtype"])
            if dtype.kind not in "biufc":
                raise WireError("bad scalar dtype")
            return np.frombuffer(_unb64(body), dtype=dtype)[0]
        if tag == "$size":
            return torch.Size([int(s) for s in body])
        if tag == "$bytes":
            return _unb64(body)
        if tag == "$dtype":
            if body not in _DTYPES:
                raise WireError("bad dtype")
            return _DTYPES[body]
        if tag == "$device":
            return torch.device(str(body))
        if tag == "$slice":
            return slice(*(self.decode(x) for x in body))
        if tag == "$ellipsis":
            return Ellipsis
        if tag == "$range":
            return range(*(int(x) for x in body))
        if tag == "$complex":
            return complex(float(body[0]), float(body[1]))
        if tag == "$generator":
            g = torch.Generator()
            g.set_state(_tensor_from(_unb64(d["state"]), "uint8", [len(_unb64(d["state"]))]))
            return self._keep(body, g)
        if tag == "$object":
            return self._object(d)
        if tag == "$weakref":
            if not self.rebuild_any:
                raise WireError("unexpected weak reference")
            target = self.decode(body)
            return weakref.ref(target) if target is not None else None
        if tag == "$callable":
            if not self.rebuild_any:
                raise WireError("the judge does not accept functions by name")
            return resolve(str(body), self.namespace)
        if tag == "$handle":
            if self.rebuild_any or self.make_handle is None:
                raise WireError("unexpected handle")
            return self.make_handle(int(body), str(d.get("type", "object")), bool(d.get("callable")))
        raise WireError(f"unknown tag {tag}")

    def _tensor(self, d: dict) -> torch.Tensor:
        t = _tensor_from(_unb64(d["data"]), d["dtype"], d["shape"])
        if d.get("param"):
            t = torch.nn.Parameter(t, requires_grad=bool(d.get("requires_grad")))
        elif d.get("requires_grad") and (t.is_floating_point() or t.is_complex()):
            t.requires_grad_(True)
        self._keep(d["$tensor"], t)
        if d.get("grad") is not None:
            g = self.decode(d["grad"])
            if isinstance(g, torch.Tensor) and g.shape == t.shape and g.dtype == t.dtype:
                t.grad = g
        return t

    def _object(self, d: dict) -> Any:
        path = str(d["class"])
        if self.rebuild_any:
            cls = None
            for candidate in [path, *d.get("bases", [])]:
                try:
                    cls = resolve(str(candidate), self.namespace)
                    break
                except (ImportError, AttributeError, KeyError):
                    continue
            if cls is None:
                raise WireError(f"no class {path} here")
        elif path in self.classes:
            cls = self.classes[path]
        else:
            raise WireError(f"the judge does not rebuild objects of class {path}")
        if not isinstance(cls, type):
            raise WireError(f"{path} is not a class")
        obj = cls.__new__(cls)
        self._keep(d["$object"], obj)
        state = self.decode(d["state"])
        if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
            raise WireError("bad object state")
        if not self.rebuild_any and any(k.startswith("__") for k in state):
            raise WireError("bad attribute name in an object's state")
        _set_state(obj, state)
        return obj
