"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 05-autonomous-driving
    'driving-predict': [
        ("a key missing", '''
PREDICTIONS = {"night_camera_vs_range": "range", "day_camera_vs_range": "camera"}
'''),
        ("a sensor that is not offered", '''
PREDICTIONS = {"night_camera_vs_range": "lidar", "day_camera_vs_range": "camera", "night_best": "fused"}
'''),
        ("fused offered only for night_best", '''
PREDICTIONS = {"night_camera_vs_range": "fused", "day_camera_vs_range": "camera", "night_best": "fused"}
'''),
    ],
    'driving-astar': [
        ("pays the cost of the cell it leaves instead of the one it enters", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    c_min = cost[torch.isfinite(cost)].min().item()
    grid = cost.tolist()
    h = lambda n: c_min * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(h(start), 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1], g[n], expanded
        closed.add(n)
        expanded += 1
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            m = (n[0] + dr, n[1] + dc)
            if not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf or m in closed:
                continue
            g_new = g[n] + grid[n[0]][n[1]]
            if g_new < g.get(m, math.inf):
                g[m], parent[m] = g_new, n
                tie += 1
                heapq.heappush(queue, (g_new + h(m), tie, m))
    return None, math.inf, expanded
'''),
        ("Dijkstra: the heap ordered by g alone, without the heuristic", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    grid = cost.tolist()
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(0.0, 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1], g[n], expanded
        closed.add(n)
        expanded += 1
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            m = (n[0] + dr, n[1] + dc)
            if not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf or m in closed:
                continue
            g_new = g[n] + grid[m[0]][m[1]]
            if g_new < g.get(m, math.inf):
                g[m], parent[m] = g_new, n
                tie += 1
                heapq.heappush(queue, (g_new, tie, m))
    return None, math.inf, expanded
'''),
        ("8-connected moves: diagonal steps cut through the wall's corner", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    c_min = cost[torch.isfinite(cost)].min().item()
    grid = cost.tolist()
    h = lambda n: c_min * max(abs(n[0] - goal[0]), abs(n[1] - goal[1]))
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(h(start), 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1], g[n], expanded
        closed.add(n)
        expanded += 1
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                m = (n[0] + dr, n[1] + dc)
                if (dr, dc) == (0, 0) or not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf \\
                        or m in closed:
                    continue
                g_new = g[n] + grid[m[0]][m[1]]
                if g_new < g.get(m, math.inf):
                    g[m], parent[m] = g_new, n
                    tie += 1
                    heapq.heappush(queue, (g_new + h(m), tie, m))
    return None, math.inf, expanded
'''),
        ("the path returned from the goal back to the start", '''
import heapq


def astar(cost, start, goal):
    H, W = cost.shape
    for r, c in (start, goal):
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError("outside the grid")
    c_min = cost[torch.isfinite(cost)].min().item()
    grid = cost.tolist()
    h = lambda n: c_min * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
    g, parent, closed, queue, tie, expanded = {start: 0.0}, {start: None}, set(), [(h(start), 0, start)], 0, 0
    while queue:
        _, _, n = heapq.heappop(queue)
        if n in closed:
            continue
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path, g[n], expanded
        closed.add(n)
        expanded += 1
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            m = (n[0] + dr, n[1] + dc)
            if not (0 <= m[0] < H and 0 <= m[1] < W) or grid[m[0]][m[1]] == math.inf or m in closed:
                continue
            g_new = g[n] + grid[m[0]][m[1]]
            if g_new < g.get(m, math.inf):
                g[m], parent[m] = g_new, n
                tie += 1
                heapq.heappush(queue, (g_new + h(m), tie, m))
    return None, math.inf, expanded
'''),
    ],
    'driving-heuristic': [
        ("the colleague's bug kept: the mean finite cost as the scale", '''
def make_heuristic(cost, goal):
    scale = cost[torch.isfinite(cost)].mean().item()
    return lambda n: scale * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
'''),
        ("the plain Manhattan distance: overestimates when costs are below 1", '''
def make_heuristic(cost, goal):
    return lambda n: float(abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
'''),
        ("a heuristic of 0: optimal, but it no longer guides the search", '''
def make_heuristic(cost, goal):
    return lambda n: 0.0
'''),
        ("the largest finite cost as the scale", '''
def make_heuristic(cost, goal):
    scale = cost[torch.isfinite(cost)].max().item()
    return lambda n: scale * (abs(n[0] - goal[0]) + abs(n[1] - goal[1]))
'''),
    ],
}
