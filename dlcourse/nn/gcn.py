r"""Graph convolution (GCN): the symmetric-normalised neighbourhood average of Kipf and Welling, on an edge list.

Kipf and Welling, 2017 (*Semi-Supervised Classification with Graph Convolutional Networks*). A graph of :math:`N`
nodes with features :math:`X \in \mathbb{R}^{N \times D_{in}}` and adjacency matrix :math:`A` gets self-loops,
:math:`\hat A = A + I`, whose degrees are :math:`\hat d_i = \sum_j \hat A_{ij}`. One layer computes

.. math::

    H = \hat D^{-1/2} \hat A \hat D^{-1/2} X W^\top + b,
    \qquad
    h_i = \sum_{j \in \mathcal{N}(i) \cup \{i\}} \frac{1}{\sqrt{\hat d_i \hat d_j}}\, W x_j + b,

the second form being the one computed here: every edge :math:`j \to i` carries the message
:math:`W x_j / \sqrt{\hat d_i \hat d_j}` and node :math:`i` sums what it receives (message passing). The dense
:math:`N \times N` matrix is never built, so a layer costs :math:`O(E\,D_{out} + N\,D_{in} D_{out})` for :math:`E`
edges.

The graph is given as PyTorch Geometric gives it: ``edge_index`` of shape (2, E), row 0 the source :math:`j` and row
1 the target :math:`i` of each directed edge; an undirected graph lists both directions. Like PyTorch Geometric's
``GCNConv`` (the reference of the tests), a node that already has a self-loop keeps it (one, with its weight) and
the others get one of weight 1, edges are weighted by ``edge_weight`` (1 when None) and degrees are counted at the
target. The parameters have PyTorch Geometric's names (``lin.weight`` of shape (D_out, D_in) and ``bias``), so a
``torch_geometric.nn.GCNConv``'s state dict loads into :class:`GCNConv` and back.

Shapes:
    N nodes, E directed edges, D_in input and D_out output features per node.
    x (N, D_in); edge_index (2, E) long; edge_weight (E,); output (N, D_out).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


def _check_graph(edge_index: Tensor, num_nodes: int, edge_weight: Tensor | None) -> None:
    if edge_index.dim() != 2 or edge_index.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, E), got {tuple(edge_index.shape)}")
    if edge_index.dtype != torch.long:
        raise TypeError(f"edge_index must hold long (int64) node indices, got {edge_index.dtype}")
    if edge_index.numel() and (int(edge_index.min()) < 0 or int(edge_index.max()) >= num_nodes):
        raise ValueError(f"edge_index refers to nodes outside 0..{num_nodes - 1}")
    if edge_weight is not None and edge_weight.shape != (edge_index.shape[1],):
        raise ValueError(f"edge_weight must have shape (E,) = ({edge_index.shape[1]},), "
                         f"got {tuple(edge_weight.shape)}")


def gcn_norm(edge_index: Tensor, num_nodes: int, edge_weight: Tensor | None = None,
             dtype: torch.dtype = torch.float32) -> tuple[Tensor, Tensor]:
    r"""The edges of :math:`\hat A = A + I` and their weights :math:`\hat A_{ij} / \sqrt{\hat d_i \hat d_j}`.

    Self-loops already in ``edge_index`` are kept (with their weight) and moved after the other edges; every node
    without one gets one of weight 1. Returns ``(edge_index, weight)`` of shapes (2, E') and (E',), with
    E' = E - (self-loops in edge_index) + N.
    """
    _check_graph(edge_index, num_nodes, edge_weight)
    if edge_weight is None:
        edge_weight = torch.ones(edge_index.shape[1], dtype=dtype, device=edge_index.device)
    src, dst = edge_index
    is_loop = src == dst
    loop_weight = torch.ones(num_nodes, dtype=edge_weight.dtype, device=edge_index.device)  # (N,)
    loop_weight[src[is_loop]] = edge_weight[is_loop]
    nodes = torch.arange(num_nodes, device=edge_index.device)
    edge_index = torch.cat([edge_index[:, ~is_loop], torch.stack([nodes, nodes])], dim=1)  # (2, E')
    weight = torch.cat([edge_weight[~is_loop], loop_weight])  # (E',)
    src, dst = edge_index
    degree = torch.zeros(num_nodes, dtype=weight.dtype, device=weight.device).index_add_(0, dst, weight)  # (N,)
    inv_sqrt = degree.pow(-0.5).masked_fill(degree == 0, 0.0)  # a node whose loop weighs 0 receives nothing
    return edge_index, inv_sqrt[src] * weight * inv_sqrt[dst]


def propagate(x: Tensor, edge_index: Tensor, weight: Tensor) -> Tensor:
    """Message passing with sum aggregation: out[i] = sum over edges j -> i of weight * x[j]. x (N, D) -> (N, D)."""
    src, dst = edge_index
    messages = weight[:, None] * x.index_select(0, src)  # (E, D): index_select, whose backward is a fast index_add
    return torch.zeros_like(x).index_add_(0, dst, messages)  # (N, D)


class GCNConv(nn.Module):
    """One graph-convolution layer, h_i = sum_{j in N(i) + i} W x_j / sqrt(d_i d_j) + b (see the module docstring).

    Parameters as PyTorch Geometric's GCNConv: ``lin.weight`` (D_out, D_in), Glorot-uniform; ``bias`` (D_out,),
    zero.
    """

    def __init__(self, in_channels: int, out_channels: int, bias: bool = True) -> None:
        super().__init__()
        if in_channels < 1 or out_channels < 1:
            raise ValueError(f"in_channels and out_channels must be positive, got {in_channels}, {out_channels}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = math.sqrt(6.0 / (self.in_channels + self.out_channels))  # Glorot uniform
        nn.init.uniform_(self.lin.weight, -bound, bound)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None) -> Tensor:
        if x.dim() != 2 or x.shape[1] != self.in_channels:
            raise ValueError(f"x must have shape (N, {self.in_channels}), got {tuple(x.shape)}")
        edge_index, weight = gcn_norm(edge_index, x.shape[0], edge_weight, dtype=x.dtype)
        out = propagate(self.lin(x), edge_index, weight)  # (N, D_out)
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}, bias={self.bias is not None}"
