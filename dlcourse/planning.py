r"""Path planning on a grid: A* search (Hart, Nilsson and Raphael 1968) and Dijkstra's algorithm as its special case.

A grid world is a cost map: cell :math:`(r, c)` of an (H, W) grid has a cost :math:`c(r, c) > 0`, or
:math:`+\infty` where it is blocked. A move goes to one of the 4 neighbours (up, down, left, right) and costs the
cost of the cell it enters; a path's cost is the sum over the cells it enters (the start is free).

A* keeps, for every cell :math:`n` it has reached, the cost :math:`g(n)` of the best path found so far from the
start, and always expands next the open cell with the smallest

.. math::  f(n) = g(n) + h(n),

where :math:`h(n)` estimates the cost still to pay from :math:`n` to the goal. If :math:`h` is **admissible**,
:math:`h(n) \le h^*(n)` (the true cost to go) for every :math:`n`, the first path A* takes off the queue at the goal
is optimal. With :math:`h \equiv 0` A* is Dijkstra's algorithm (1959). On the grid,

.. math::  h(n) = c_{\min} \, (|r_n - r_{goal}| + |c_n - c_{goal}|)

is admissible (and consistent): every path to the goal makes at least that many moves, each costing at least the
smallest cost :math:`c_{\min}` of the map. The better :math:`h` estimates :math:`h^*`, the fewer cells A* expands.

Shapes: ``cost`` is (H, W); a cell is a pair ``(r, c)`` of ints, 0 <= r < H, 0 <= c < W.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

Cell = tuple[int, int]
MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1))  # up, down, left, right


@dataclass(frozen=True)
class Plan:
    """The result of a search: the path from start to goal (None when the goal cannot be reached), its cost
    (``math.inf`` then) and the number of cells expanded (taken off the queue and their neighbours examined)."""

    path: list[Cell] | None
    cost: float
    expanded: int


def _grid(cost: torch.Tensor | Sequence[Sequence[float]]) -> list[list[float]]:
    """The cost map as a list of rows of Python floats, checked: 2-D, every entry > 0 or +inf."""
    t = torch.as_tensor(cost, dtype=torch.float64).detach().cpu()
    if t.dim() != 2 or t.numel() == 0:
        raise ValueError(f"expected a cost map of shape (H, W), got {tuple(t.shape)}")
    if torch.isnan(t).any() or (t <= 0).any():
        raise ValueError("every cost must be positive (or inf for a blocked cell); got a zero, negative or nan entry")
    return t.tolist()


def _cell(cell: Sequence[int], H: int, W: int, name: str) -> Cell:
    r, c = (int(v) for v in cell)
    if not (0 <= r < H and 0 <= c < W):
        raise ValueError(f"{name} {tuple(cell)} lies outside the grid of shape ({H}, {W})")
    return r, c


def manhattan(cost: torch.Tensor | Sequence[Sequence[float]], goal: Cell) -> Callable[[Cell], float]:
    """The admissible heuristic h(n) = c_min * (|r - r_goal| + |c - c_goal|), c_min the smallest finite cost."""
    return _manhattan(_grid(cost), goal)


def _manhattan(c: list[list[float]], goal: Cell) -> Callable[[Cell], float]:
    finite = [v for row in c for v in row if v < math.inf]
    c_min = min(finite) if finite else 0.0
    gr, gc = goal
    return lambda n: c_min * (abs(n[0] - gr) + abs(n[1] - gc))


def astar(cost: torch.Tensor | Sequence[Sequence[float]], start: Cell, goal: Cell,
          heuristic: str | Callable[[Cell], float] = "manhattan") -> Plan:
    """The cheapest 4-connected path from ``start`` to ``goal`` on the cost map, by A* (see the module docstring).

    Args:
        cost: (H, W), entries > 0, ``inf`` for a blocked cell. Entering a cell costs its entry.
        start, goal: cells (r, c) inside the grid. A blocked goal cannot be reached.
        heuristic: ``"manhattan"`` (c_min times the Manhattan distance, admissible), ``"zero"`` (Dijkstra), or a
            function of a cell. Only an admissible one guarantees an optimal path.

    Returns:
        ``Plan(path, cost, expanded)``; ``path`` runs from start to goal inclusive, or is None (cost ``inf``).

    Raises:
        ValueError: a cost map that is not 2-D or has an entry <= 0 or nan; a cell outside the grid.
    """
    c = _grid(cost)
    H, W = len(c), len(c[0])
    start, goal = _cell(start, H, W, "start"), _cell(goal, H, W, "goal")
    if heuristic == "manhattan":
        h = _manhattan(c, goal)
    elif heuristic == "zero":
        h = lambda n: 0.0  # noqa: E731 - Dijkstra's algorithm
    elif callable(heuristic):
        h = heuristic
    else:
        raise ValueError(f"heuristic must be 'manhattan', 'zero' or a function of a cell, got {heuristic!r}")
    g: dict[Cell, float] = {start: 0.0}
    parent: dict[Cell, Cell | None] = {start: None}
    closed: set[Cell] = set()
    tie = 0  # equal f: the cell pushed first comes first, so the search is deterministic
    frontier = [(h(start), tie, start)]
    expanded = 0
    while frontier:
        _, _, n = heapq.heappop(frontier)
        if n in closed:
            continue  # an outdated entry: n was reached again more cheaply and already expanded
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return Plan(path[::-1], g[n], expanded)
        closed.add(n)
        expanded += 1
        for dr, dc in MOVES:
            r, col = n[0] + dr, n[1] + dc
            if not (0 <= r < H and 0 <= col < W) or c[r][col] == math.inf or (r, col) in closed:
                continue
            g_new = g[n] + c[r][col]
            if g_new < g.get((r, col), math.inf):
                g[(r, col)], parent[(r, col)] = g_new, n
                tie += 1
                heapq.heappush(frontier, (g_new + h((r, col)), tie, (r, col)))
    return Plan(None, math.inf, expanded)


def dijkstra(cost: torch.Tensor | Sequence[Sequence[float]], start: Cell, goal: Cell) -> Plan:
    """Dijkstra's algorithm: A* with h = 0. The same optimal cost, more cells expanded."""
    return astar(cost, start, goal, heuristic="zero")


def path_cost(cost: torch.Tensor | Sequence[Sequence[float]], path: Sequence[Cell] | None) -> float:
    """The cost of a path on a cost map: the sum of the costs of the cells it enters (the start is free).
    ``inf`` for None, an empty path, a path that leaves the grid, crosses a blocked cell or jumps."""
    c = _grid(cost)
    H, W = len(c), len(c[0])
    if not path:
        return math.inf
    total = 0.0
    for (r0, c0), (r1, c1) in zip(path[:-1], path[1:]):
        if abs(r1 - r0) + abs(c1 - c0) != 1 or not (0 <= r1 < H and 0 <= c1 < W):
            return math.inf
        total += c[r1][c1]
    r, col = path[0]
    return total if 0 <= r < H and 0 <= col < W else math.inf


def to_networkx(cost: torch.Tensor | Sequence[Sequence[float]]):
    """The cost map as a directed ``networkx.DiGraph``: an edge u -> v between 4-neighbours, weighted by the cost
    of v, for every v that is not blocked. Its shortest paths are those of :func:`astar`."""
    import networkx as nx

    c = _grid(cost)
    H, W = len(c), len(c[0])
    graph = nx.DiGraph()
    graph.add_nodes_from((r, col) for r in range(H) for col in range(W))
    graph.add_weighted_edges_from(((r, col), (r + dr, col + dc), c[r + dr][col + dc])
                                  for r in range(H) for col in range(W) for dr, dc in MOVES
                                  if 0 <= r + dr < H and 0 <= col + dc < W and c[r + dr][col + dc] < math.inf)
    return graph
