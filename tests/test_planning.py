"""dlcourse.planning: A*'s cost against networkx's Dijkstra and A* on random grids (reachable and not), its path,
fewer expansions than Dijkstra with an admissible heuristic, a suboptimal path with an inadmissible one, the errors;
and dlcourse.data.terrain_maps: shapes, costs and determinism."""

import math

import networkx as nx
import pytest
import torch

from dlcourse.data import terrain_maps
from dlcourse.data.terrain import COSTS
from dlcourse.planning import astar, dijkstra, manhattan, path_cost, to_networkx


def _random_grid(H: int, W: int, seed: int, blocked: float = 0.25) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    cost = 1 + 9 * torch.rand(H, W, generator=g, dtype=torch.float64)  # (H, W) in [1, 10)
    cost[torch.rand(H, W, generator=g) < blocked] = math.inf
    return cost


@pytest.mark.parametrize("H,W", [(1, 1), (1, 7), (6, 1), (8, 8), (13, 21)])
@pytest.mark.parametrize("seed", range(6))
def test_astar_cost_is_networkx_shortest_path(H, W, seed):
    cost = _random_grid(H, W, seed)
    g = torch.Generator().manual_seed(100 + seed)
    start = (int(torch.randint(0, H, (1,), generator=g)), int(torch.randint(0, W, (1,), generator=g)))
    goal = (int(torch.randint(0, H, (1,), generator=g)), int(torch.randint(0, W, (1,), generator=g)))
    graph = to_networkx(cost)
    plan, plain = astar(cost, start, goal), dijkstra(cost, start, goal)
    try:
        want = nx.dijkstra_path_length(graph, start, goal)
        h = manhattan(cost, goal)
        assert nx.astar_path_length(graph, start, goal, heuristic=lambda u, v: h(u)) == pytest.approx(want)
    except nx.NetworkXNoPath:
        want = math.inf
    if math.isinf(want):
        assert plan.path is None and math.isinf(plan.cost) and plain.path is None
    else:
        assert plan.cost == pytest.approx(want, rel=1e-12) and plain.cost == pytest.approx(want, rel=1e-12)
        assert plan.path[0] == start and plan.path[-1] == goal
        assert path_cost(cost, plan.path) == pytest.approx(plan.cost, rel=1e-12)
        assert plan.expanded <= plain.expanded


def test_astar_expands_fewer_cells_than_dijkstra_with_the_same_cost():
    cost = 1 + torch.rand(21, 31, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    plan, plain = astar(cost, (10, 2), (10, 28)), dijkstra(cost, (10, 2), (10, 28))
    assert plan.cost == pytest.approx(plain.cost)
    assert plan.expanded < plain.expanded / 2


def test_an_inadmissible_heuristic_can_return_a_longer_path():
    cost = torch.ones(5, 9)
    cost[1:, 4] = 50.0  # a wall of expensive cells, open at the top row
    cost[0, 4] = 1.0
    greedy = astar(cost, (4, 0), (4, 8), heuristic=lambda n: 100 * (abs(n[0] - 4) + abs(n[1] - 8)))
    best = astar(cost, (4, 0), (4, 8))
    assert best.cost == pytest.approx(16.0)  # 4 up, 8 across, 4 down
    assert greedy.cost > best.cost


def test_trivial_and_blocked_cases():
    cost = torch.ones(3, 3)
    assert astar(cost, (1, 1), (1, 1)) == astar(cost, (1, 1), (1, 1)) and astar(cost, (1, 1), (1, 1)).cost == 0.0
    assert astar(cost, (1, 1), (1, 1)).path == [(1, 1)]
    cost[:, 1] = math.inf
    plan = astar(cost, (0, 0), (0, 2))
    assert plan.path is None and plan.cost == math.inf and plan.expanded == 3
    assert path_cost(cost, None) == math.inf and path_cost(cost, [(0, 0), (0, 2)]) == math.inf


@pytest.mark.parametrize("cost,start,goal,match", [
    (torch.ones(4), (0, 0), (0, 1), "shape"),
    (torch.zeros(3, 3), (0, 0), (1, 1), "positive"),
    (-torch.ones(3, 3), (0, 0), (1, 1), "positive"),
    (torch.full((3, 3), math.nan), (0, 0), (1, 1), "positive"),
    (torch.ones(3, 3), (3, 0), (1, 1), "outside"),
    (torch.ones(3, 3), (0, 0), (1, -1), "outside"),
])
def test_invalid_inputs_raise(cost, start, goal, match):
    with pytest.raises(ValueError, match=match):
        astar(cost, start, goal)


def test_unknown_heuristic_raises():
    with pytest.raises(ValueError, match="heuristic"):
        astar(torch.ones(2, 2), (0, 0), (1, 1), heuristic="euclid")


def test_terrain_maps():
    maps = terrain_maps(6, size=12, seed=3)
    assert maps.terrain.shape == (6, 12, 12) and maps.terrain.dtype == torch.long
    assert maps.image.shape == (6, 3, 12, 12) and maps.image.dtype == torch.float32
    assert 0 <= maps.image.min() and maps.image.max() <= 1
    assert torch.equal(maps.cost, torch.tensor(COSTS, dtype=torch.float32)[maps.terrain])
    assert set(maps.terrain.unique().tolist()) <= {0, 1, 2, 3} and (maps.terrain == 0).any() and (maps.terrain == 3).any()
    assert (maps.terrain[:, 0, 0] == 1).all() and (maps.terrain[:, -1, -1] == 1).all()
    again = terrain_maps(6, size=12, seed=3)
    assert torch.equal(again.image, maps.image) and not torch.equal(terrain_maps(6, size=12, seed=4).terrain, maps.terrain)
    with pytest.raises(ValueError, match="size"):
        terrain_maps(2, size=3)
