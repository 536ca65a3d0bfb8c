"""Weeks and sizes of a plan: each line's pieces over weeks (earliest deadline first per factory)
and over sizes (largest remainder, exact by line and by size)."""

from __future__ import annotations

import numpy as np

from supply.planning.instance import Instance, Pairs


def schedule(inst: Instance, pairs: Pairs, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each pair's pieces over weeks, earliest deadline first per factory.

    Returns (pair index, week index, pieces) of every non-empty pair-week. Feasible
    whenever the allocation meets the cumulative capacity constraints.
    """
    _, F, W = inst.shape
    lines = np.flatnonzero(amount > 0)
    if len(lines) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    f, k = pairs.f[lines], pairs.cutoff[lines]
    dl = inst.deadline[pairs.g[lines]]
    order = np.lexsort((pairs.g[lines], dl, k, f))
    lines, f = lines[order], f[order]
    q = amount[lines]
    csum = np.cumsum(q)
    first = np.searchsorted(f, f)  # first line of the same factory
    before = np.where(first > 0, csum[first - 1], 0)
    end = csum - before
    beg = end - q
    cap = np.cumsum(inst.free, axis=1)[f]  # (L, W) cumulative capacity of the line's factory
    w_first = (cap <= beg[:, None]).sum(axis=1)
    w_last = np.minimum((cap < end[:, None]).sum(axis=1), W - 1)
    span = w_last - w_first + 1
    li = np.repeat(np.arange(len(lines)), span)
    wk = w_first[li] + (np.arange(len(li)) - np.repeat(np.cumsum(span) - span, span))
    cap_hi = cap[li, wk]
    cap_lo = np.where(wk > 0, cap[li, np.maximum(wk - 1, 0)], 0)
    pieces = np.minimum(end[li], cap_hi) - np.maximum(beg[li], cap_lo)
    ok = pieces > 0
    return lines[li[ok]], wk[ok], pieces[ok]


def split_sizes(line_group: np.ndarray, line_qty: np.ndarray, size_counts: np.ndarray) -> np.ndarray:
    """Split every line's pieces over sizes so that rows and size totals are exact.

    ``size_counts`` is (G, S): pieces per group and size; lines are taken in order, each
    gets its share of what its group has left, by largest remainder (ties: smaller size
    index first). Returns (L, S) integer pieces; a group's lines must sum to at most its
    demand, and if they sum to exactly its demand the size totals match exactly.
    """
    L = len(line_group)
    S = size_counts.shape[1] if size_counts.ndim == 2 else 0
    out = np.zeros((L, S), dtype=np.int64)
    if L == 0 or S == 0:
        return out
    left = size_counts.astype(np.int64).copy()
    order = np.lexsort((np.arange(L), line_group))
    grp = line_group[order]
    rank = np.arange(L) - np.searchsorted(grp, grp)
    for r in range(int(rank.max()) + 1):
        sel = order[rank == r]
        g = line_group[sel]
        q = line_qty[sel].astype(np.int64)
        rem = left[g]
        tot = rem.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            quota = np.where(tot[:, None] > 0, rem * (q / np.maximum(tot, 1))[:, None], 0.0)
        base = np.minimum(np.floor(quota + 1e-9).astype(np.int64), rem)
        short = q - base.sum(axis=1)
        frac = quota - base
        frac[base >= rem] = -1.0  # a size with nothing left cannot take more
        pos = np.argsort(-frac, axis=1, kind="stable").argsort(axis=1, kind="stable")
        extra = (pos < short[:, None]) & (frac >= 0)
        take = base + extra
        out[sel] = take
        left[g] -= take
    return out
