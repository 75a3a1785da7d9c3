"""A scalar automatic-differentiation engine: reverse-mode backpropagation on a graph of numbers.

Each :class:`Value` stores a number, the gradient of the final output with respect to it, and how
it was made: the Values it was computed from (``_children``) and the local derivatives
:math:`\\partial\\,\\text{self} / \\partial\\,\\text{child}` (``_local_grads``), computed in the forward
pass while the inputs are at hand. ``backward()`` visits the graph in reverse topological order and
applies the chain rule at every node,

.. math::
    \\frac{\\partial L}{\\partial c} \\mathrel{+}= \\frac{\\partial n}{\\partial c} \\, \\frac{\\partial L}{\\partial n}
    \\quad \\text{for each child } c \\text{ of each node } n,

adding over every path, so a Value used twice gets both contributions. The operators mirror a tensor's
(``+ - * / **``, ``tanh``, ``relu``, ``exp``), so one piece of code runs on Values and on tensors;
``tests/test_autograd.py`` checks values and gradients against ``torch.autograd``.

Chapter 3's notebook "Forward pass, loss and backpropagation" derives it piece by piece.
"""

from __future__ import annotations

import math


class Value:
    """One scalar node of a computational graph.

    >>> a, b = Value(2.0), Value(-3.0)
    >>> loss = (a * b + a) ** 2      # (ab + a)^2 = 16
    >>> loss.backward()
    >>> a.grad, b.grad               # 2(ab + a)(b + 1), 2(ab + a) a
    (16.0, -16.0)
    """

    __slots__ = ("data", "grad", "_children", "_local_grads", "_op")

    def __init__(self, data: float, children: tuple[Value, ...] = (), local_grads: tuple[float, ...] = (),
                 op: str = ""):
        self.data = float(data)
        self.grad = 0.0                          # dL/d(this node), filled in by backward()
        self._children = tuple(children)         # the Values this one was computed from
        self._local_grads = tuple(local_grads)   # d(this)/d(child), one number per child
        self._op = op                            # the operation that made it, for printing

    @staticmethod
    def _lift(other: Value | float) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: Value | float) -> Value:
        other = self._lift(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")            # d(a+b)/da = d(a+b)/db = 1

    def __mul__(self, other: Value | float) -> Value:
        other = self._lift(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")  # d(ab)/da = b

    def __pow__(self, k: float) -> Value:
        if not isinstance(k, (int, float)):
            raise TypeError(f"Value ** k supports an int or float k, got {type(k).__name__}")
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),), f"**{k}")       # d(a^k)/da = k a^(k-1)

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")                                  # 1 - tanh^2

    def relu(self) -> Value:
        return Value(max(self.data, 0.0), (self,), (float(self.data > 0),), "relu")      # 0 at 0, like torch

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    # built from the operations above, so they need no derivatives of their own
    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._lift(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * self._lift(other) ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return Value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return Value(other) * self**-1

    def topological_order(self) -> list[Value]:
        """Every node of the graph below (and including) this one, each after all of its children."""
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:                       # iterative depth-first search: deep graphs do not hit the recursion limit
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node._children))
        return order

    def backward(self) -> None:
        """Fill ``grad`` of every node with :math:`\\partial\\,\\text{self} / \\partial\\,\\text{node}`.

        Gradients accumulate, like PyTorch's: reset them (``node.grad = 0``) before a second call.
        """
        self.grad = 1.0
        for node in reversed(self.topological_order()):   # a node after every node that uses it
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * node.grad

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"
