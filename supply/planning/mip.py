"""MOQ as a MIP with HiGHS: an order line is 0 or at least its factory's MOQ.

Columns: unmet u[g], carry r[f,k] (unused capacity moved to the next week), pieces a[p]
per pair and a binary y[p] per pair whose MOQ is above 1 (``moq*y <= a <= upper*y``).
``solve_mip`` takes a feasible start. HiGHS 1.15.1 with presolve on can stop at such a start
and report "Optimal": tests/test_planning_highs_fault.py reproduces it on a shrunk neighbourhood
of the middle bench case (22 groups, 82 pairs), where the start costs 6.31M CNY and presolve off
or no start finds 5.25M. Presolve is switched off whenever a start is given
(tests/test_planning_flow.py checks that switch).
``neighbourhood`` cuts a sub-problem out of a plan (some groups free, the rest fixed) so
that the MIP can improve a large plan piece by piece.
"""

from __future__ import annotations

import highspy
import numpy as np

from supply.planning.instance import Instance, Pairs, objective_of, used_of

MIP_NODES = 500  # work budget of one MIP (branch-and-bound nodes), not seconds


def _new_highs(time_limit: float | None, presolve: str = "choose") -> highspy.Highs:
    """A quiet, seeded, single-threaded HiGHS (one input, one answer on any machine)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", presolve)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
    return h


def _pair_columns(inst: Instance, pairs: Pairs, idx: np.ndarray):
    """CSC pieces for the pair columns ``idx``: starts, row indices, values (2 per column)."""
    G, _, W = inst.shape
    n = len(idx)
    rows = np.empty(2 * n, dtype=np.int32)
    rows[0::2] = pairs.g[idx]
    rows[1::2] = G + pairs.f[idx] * W + pairs.cutoff[idx]
    return np.arange(0, 2 * n, 2, dtype=np.int32), rows, np.ones(2 * n)


def _base_columns(inst: Instance):
    """Unmet u[g] (one entry) and carry r[f,k], k < W-1 (+1 in week k, -1 in week k+1)."""
    G, F, W = inst.shape
    nr = F * max(W - 1, 0)
    fk = np.arange(F * W).reshape(F, W)[:, :-1].ravel() if W > 1 else np.zeros(0, dtype=np.int64)
    starts = np.concatenate([np.arange(G), G + 2 * np.arange(nr)]).astype(np.int32)
    rows = np.empty(G + 2 * nr, dtype=np.int32)
    rows[:G] = np.arange(G)
    rows[G::2] = G + fk
    rows[G + 1 :: 2] = G + fk + 1
    vals = np.ones(G + 2 * nr)
    vals[G + 1 :: 2] = -1.0
    cost = np.concatenate([np.full(G, inst.penalty), np.zeros(nr)])
    return cost, starts, rows, vals


def _carry(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """The smallest feasible carry r[f,k] for an allocation (for a MIP start)."""
    _, F, W = inst.shape
    used = used_of(inst, pairs, amount)
    r = np.zeros((F, max(W - 1, 0)), dtype=np.int64)
    need = np.zeros(F, dtype=np.int64)
    for k in range(W - 1, 0, -1):
        need = np.maximum(0, used[:, k] - inst.free[:, k] + need)
        r[:, k - 1] = need
    return r.ravel()


def solve_mip(
    inst: Instance,
    pairs: Pairs,
    keep: np.ndarray,
    start: np.ndarray | None,
    time_limit: float | None,
    rel_gap: float,
    node_limit: int = MIP_NODES,
    presolve: str | None = None,
) -> tuple[np.ndarray | None, dict]:
    """Exact MOQ model over the pairs ``keep`` (others fixed at 0), started at ``start``.

    Parameters
    ----------
    inst, pairs : Instance, Pairs
    keep : array of pair indices that may be used
    start : array (P,), optional
        A feasible allocation that uses only ``keep``; presolve is then off (see the module
        docstring) unless ``presolve`` says otherwise (the test of the HiGHS fault does).
    time_limit : float, optional
        Outer wall-clock guard only; ``node_limit`` is the work budget.

    Returns
    -------
    (amount or None, stats)
        ``stats["optimal"]`` is HiGHS's own verdict over ``keep``.

    Examples
    --------
    >>> amount, stats = solve_mip(inst, pairs, np.arange(len(pairs)), None, 10, 1e-6)  # doctest: +SKIP
    """
    G, F, W = inst.shape
    base_cost, bstart, brows, bvals = _base_columns(inst)
    nb, nk = len(base_cost), len(keep)
    moq = inst.moq[pairs.f[keep]]
    upper = pairs.upper[keep]
    mo = np.flatnonzero(moq > 1)  # kept pairs that need a binary
    nm = len(mo)
    link0 = G + F * W  # link rows: 2 per binary
    # pair columns: demand row, capacity row, and two link rows when the pair has a MOQ
    ps, pr, pv = _pair_columns(inst, pairs, keep)
    per = np.full(nk, 2, dtype=np.int64)
    per[mo] = 4
    pstart = np.concatenate([[0], np.cumsum(per)[:-1]])
    prow = np.empty(int(per.sum()), dtype=np.int32)
    pval = np.ones(len(prow))
    prow[pstart] = pr[0::2]
    prow[pstart + 1] = pr[1::2]
    prow[pstart[mo] + 2] = link0 + 2 * np.arange(nm)
    prow[pstart[mo] + 3] = link0 + 2 * np.arange(nm) + 1
    ystart = np.arange(nm) * 2
    yrow = np.empty(2 * nm, dtype=np.int32)
    yrow[0::2] = link0 + 2 * np.arange(nm)
    yrow[1::2] = link0 + 2 * np.arange(nm) + 1
    yval = np.empty(2 * nm)
    yval[0::2] = -moq[mo]
    yval[1::2] = -upper[mo]
    starts = np.concatenate([bstart, len(brows) + pstart, len(brows) + len(prow) + ystart]).astype(np.int32)
    rows = np.concatenate([brows, prow, yrow]).astype(np.int32)
    vals = np.concatenate([bvals, pval, yval])
    ncol = nb + nk + nm
    cost = np.concatenate([base_cost, pairs.cost[keep], np.zeros(nm)])
    col_hi = np.concatenate([np.full(nb, highspy.kHighsInf), upper.astype(float), np.ones(nm)])
    row_lo = np.concatenate(
        [
            inst.demand.astype(float),
            np.full(F * W, -highspy.kHighsInf),
            np.tile([0.0, -highspy.kHighsInf], nm),
        ]
    )
    row_hi = np.concatenate(
        [inst.demand.astype(float), inst.free.ravel().astype(float), np.tile([highspy.kHighsInf, 0.0], nm)]
    )
    integrality = np.concatenate([np.zeros(nb + nk, dtype=np.int32), np.ones(nm, dtype=np.int32)])
    h = _new_highs(time_limit, presolve or ("off" if start is not None else "choose"))
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("mip_max_nodes", int(node_limit))
    h.passModel(
        ncol,
        len(row_lo),
        len(rows),
        1,
        1,
        0.0,
        cost,
        np.zeros(ncol),
        col_hi,
        row_lo,
        row_hi,
        starts,
        rows,
        vals,
        integrality,
    )
    if start is not None:
        _, unmet0 = objective_of(inst, pairs, start)
        x0 = np.concatenate(
            [unmet0, _carry(inst, pairs, start), start[keep], (start[keep][mo] > 0).astype(np.int64)]
        ).astype(float)
        h.setSolution(ncol, np.arange(ncol, dtype=np.int32), x0)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    stats = {
        "mip_status": h.modelStatusToString(status),
        "mip_columns": ncol,
        "mip_binaries": nm,
        "mip_rows": len(row_lo),
        "mip_nodes": int(info.mip_node_count),
        "mip_gap": float(info.mip_gap),
        "mip_dual_bound": float(info.mip_dual_bound),
        "optimal": status == highspy.HighsModelStatus.kOptimal,
    }
    if info.primal_solution_status != 2:  # no feasible point
        return None, stats
    x = np.asarray(h.getSolution().col_value)
    amount = np.zeros(len(pairs), dtype=np.int64)
    amount[keep] = np.floor(x[nb : nb + nk] + 1e-6).astype(np.int64)
    return amount, stats


def neighbourhood(
    inst: Instance, pairs: Pairs, amount: np.ndarray, groups: np.ndarray, keep: np.ndarray
) -> tuple[Instance, Pairs, np.ndarray, np.ndarray]:
    """The sub-problem in which only ``groups`` move (over the pairs ``keep`` of theirs):
    (sub-instance, sub-pairs, index of each sub-pair in ``pairs``, start allocation). The
    sub-instance has only the factories those pairs use (renumbered in order).

    The other groups' lines stay and hold their capacity. What is left per factory is
    the cumulative slack s[k] = free up to k - fixed use up to k; a sub-plan fits it
    exactly when it fits min over j >= k of s[j], whose weekly steps are >= 0.
    """
    G, F, W = inst.shape
    inside = np.zeros(G, dtype=bool)
    inside[groups] = True
    fixed = np.where(inside[pairs.g], 0, amount)
    used = used_of(inst, pairs, fixed)
    s = np.cumsum(inst.free, axis=1) - np.cumsum(used, axis=1)
    env = np.minimum.accumulate(s[:, ::-1], axis=1)[:, ::-1]
    free = np.diff(np.concatenate([np.zeros((F, 1), dtype=np.int64), env], axis=1), axis=1)
    groups = np.sort(groups)
    remap = np.full(G, -1, dtype=np.int64)
    remap[groups] = np.arange(len(groups))
    idx = np.sort(keep[inside[pairs.g[keep]]])
    # only the factories the sub-pairs use: a MIP of their rows, not of every factory-week
    facs = np.unique(pairs.f[idx])
    fmap = np.full(F, -1, dtype=np.int64)
    fmap[facs] = np.arange(len(facs))
    sub = Instance(
        **{k: getattr(inst, k)[facs] for k in ("lead", "moq", "flon", "flat", "price")},
        **{k: getattr(inst, k)[groups] for k in ("demand", "deadline", "garment", "glon", "glat")},
        week_start=inst.week_start,
        free=free[facs],
        transport=inst.transport,
        penalty=inst.penalty,
        max_km=inst.max_km,
    )
    sg = remap[pairs.g[idx]]
    sp = Pairs(
        **{k: getattr(pairs, k)[idx] for k in ("cutoff", "cost", "dist", "upper")},
        f=fmap[pairs.f[idx]],
        g=sg,
        start=np.searchsorted(sg, np.arange(len(groups) + 1)),
    )
    return sub, sp, idx, amount[idx].copy()
