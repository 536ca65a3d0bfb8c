"""Planning instances as arrays: groups, factories, weeks, the eligible pairs and allocations.

A *group* g is one school's demand for one garment (with one deadline); a *pair* (g, f)
is a factory f that may make it. Pieces made in week k (a Monday) are finished at the
end of that week and reach the school ``bulk_lead_days`` later, so pair (g, f) may use
week k when ``week_start[k] + 7 + lead[f] <= deadline[g]``. The last such week is the
pair's *cutoff*; every earlier week in the horizon is allowed too. An allocation gives
each pair a number of pieces; it fits when, for every factory and week k, the pieces of
the pairs whose cutoff is <= k fit in the factory's free capacity of weeks <= k.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

WEEK_DAYS = 7
EARTH_KM = 6371.0088


@dataclass
class Instance:
    """One planning problem as arrays. Days are integers (days since 1970-01-01)."""

    demand: np.ndarray  # (G,) pieces
    deadline: np.ndarray  # (G,) day the pieces must reach the school
    garment: np.ndarray  # (G,) column of ``price`` for this group
    glon: np.ndarray  # (G,) school longitude, WGS-84
    glat: np.ndarray
    lead: np.ndarray  # (F,) bulk lead days
    moq: np.ndarray  # (F,) minimum pieces per order line
    flon: np.ndarray
    flat: np.ndarray
    price: np.ndarray  # (F, n_garments) CNY per piece
    week_start: np.ndarray  # (W,) Mondays, ascending
    free: np.ndarray  # (F, W) free pieces = capacity - booked
    transport: float  # CNY per piece per km
    penalty: float  # CNY per unmet piece
    max_km: float | None = None  # a factory serves schools within this distance (None: any)

    def __post_init__(self):
        self.demand = np.asarray(self.demand, dtype=np.int64)
        self.deadline = np.asarray(self.deadline, dtype=np.int64)
        self.garment = np.asarray(self.garment, dtype=np.int64)
        self.lead = np.asarray(self.lead, dtype=np.int64)
        self.moq = np.maximum(np.asarray(self.moq, dtype=np.int64), 1)
        self.week_start = np.asarray(self.week_start, dtype=np.int64)
        self.free = np.maximum(
            np.asarray(self.free, dtype=np.int64).reshape(len(self.lead), len(self.week_start)), 0
        )
        self.price = np.asarray(self.price, dtype=float).reshape(len(self.lead), -1)
        for name in ("glon", "glat", "flon", "flat"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=float))
        if (self.demand < 0).any():
            raise ValueError("demand must not be negative")
        if len(self.week_start) > 1 and (np.diff(self.week_start) <= 0).any():
            raise ValueError("week_start must be strictly ascending")

    @property
    def shape(self) -> tuple[int, int, int]:
        """(groups, factories, weeks)."""
        return len(self.demand), len(self.lead), len(self.week_start)


@dataclass
class Pairs:
    """Eligible (group, factory) pairs, sorted by group, then cost, then factory."""

    g: np.ndarray
    f: np.ndarray
    cutoff: np.ndarray  # last usable week index
    cost: np.ndarray  # CNY per piece: price + transport * km
    dist: np.ndarray  # km
    upper: np.ndarray  # most pieces the pair can take: min(demand, free up to cutoff)
    start: np.ndarray  # (G+1,) pairs of group g are start[g]:start[g+1]

    def __len__(self) -> int:
        return len(self.g)


@dataclass
class Solution:
    """An allocation: pieces per pair and unmet pieces per group, with how it was found."""

    amount: np.ndarray  # (P,) int pieces per pair
    unmet: np.ndarray  # (G,) int
    objective: float
    lower_bound: float
    proven: bool
    status: str
    stats: dict = field(default_factory=dict)
    warm: dict | None = None  # node potentials of the flow, for a what-if re-solve


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km (same formula as supply.maps.geo.haversine_km)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _candidate_pairs(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """All (g, f) within max_km (every pair when max_km is None)."""
    G, F, _ = inst.shape
    if inst.max_km is None:
        return np.repeat(np.arange(G), F), np.tile(np.arange(F), G)
    from scipy.spatial import cKDTree

    chord = 2 * math.sin(min(inst.max_km / (2 * EARTH_KM), math.pi / 2))
    tree = cKDTree(_xyz(inst.flon, inst.flat))
    hits = tree.query_ball_point(_xyz(inst.glon, inst.glat), chord * (1 + 1e-9), return_sorted=True)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=G)
    pf = np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(counts.sum()))
    return np.repeat(np.arange(G), counts), pf


def build_pairs(inst: Instance) -> Pairs:
    """Every pair that can take at least its factory's MOQ before the group's deadline.

    Parameters
    ----------
    inst : Instance

    Returns
    -------
    Pairs
        Sorted by group, then cost, then factory.

    Examples
    --------
    >>> pairs = build_pairs(inst)  # doctest: +SKIP
    """
    G, F, W = inst.shape
    cumfree = np.cumsum(inst.free, axis=1) if W else np.zeros((F, 0), dtype=np.int64)
    cand_g, cand_f = _candidate_pairs(inst)
    parts = []
    step = 4_000_000
    for lo in range(0, len(cand_g), step):
        g, f = cand_g[lo : lo + step], cand_f[lo : lo + step]
        last_day = inst.deadline[g] - WEEK_DAYS - inst.lead[f]
        cutoff = np.searchsorted(inst.week_start, last_day, side="right") - 1
        ok = cutoff >= 0
        g, f, cutoff = g[ok], f[ok], cutoff[ok]
        upper = np.minimum(inst.demand[g], cumfree[f, cutoff])
        ok = upper >= inst.moq[f]
        g, f, cutoff, upper = g[ok], f[ok], cutoff[ok], upper[ok]
        dist = haversine_km(inst.glon[g], inst.glat[g], inst.flon[f], inst.flat[f])
        if inst.max_km is not None:
            ok = dist <= inst.max_km
            g, f, cutoff, upper, dist = g[ok], f[ok], cutoff[ok], upper[ok], dist[ok]
        cost = inst.price[f, inst.garment[g]] + inst.transport * dist
        parts.append((g, f, cutoff, cost, dist, upper))
    if parts:
        g, f, cutoff, cost, dist, upper = (np.concatenate(c) for c in zip(*parts))
    else:
        g = f = cutoff = upper = np.zeros(0, dtype=np.int64)
        cost = dist = np.zeros(0)
    order = np.lexsort((f, cost, g))
    g, f, cutoff, cost, dist, upper = (a[order] for a in (g, f, cutoff, cost, dist, upper))
    start = np.searchsorted(g, np.arange(G + 1))
    return Pairs(g=g, f=f, cutoff=cutoff, cost=cost, dist=dist, upper=upper, start=start)


def per_group(pairs: Pairs, values: np.ndarray, groups: int) -> np.ndarray:
    """Sum of ``values`` (one per pair) per group: int64 for integer values, else float.

    ``np.bincount`` adds in pair order like ``np.add.at`` (the same floats), ~40x faster.
    """
    out = np.bincount(pairs.g, weights=values, minlength=groups)
    return out.astype(np.int64) if np.issubdtype(np.asarray(values).dtype, np.integer) else out


def used_of(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Pieces per factory and cutoff week, (F, W) int64."""
    _, F, W = inst.shape
    used = np.bincount(pairs.f * W + pairs.cutoff, weights=amount, minlength=F * W)
    return used.astype(np.int64).reshape(F, W)


def slack_of(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Cumulative free capacity left per factory and week: free up to k minus used up to k."""
    return np.cumsum(inst.free, axis=1) - np.cumsum(used_of(inst, pairs, amount), axis=1)


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of a * b without BLAS: OpenBLAS's threads kept spinning after each dot product, ~0.4
    of the ~0.9 CPU-s of a what-if re-plan on middle (and its sum depends on the thread count)."""
    return float(np.multiply(a, b).sum())


def objective_of(inst: Instance, pairs: Pairs, amount: np.ndarray) -> tuple[float, np.ndarray]:
    """Cost of an allocation (production + transport + penalty) and unmet pieces per group."""
    have = per_group(pairs, amount, len(inst.demand))
    unmet = inst.demand - have
    return dot(pairs.cost, amount) + float(inst.penalty * unmet.sum()), unmet


def moq_violations(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Indices of pairs with 0 < pieces < MOQ."""
    return np.flatnonzero((amount > 0) & (amount < inst.moq[pairs.f]))


def feasible(inst: Instance, pairs: Pairs, amount: np.ndarray) -> bool:
    """True when an allocation meets demand (at most), cumulative capacity and MOQ."""
    have = per_group(pairs, amount, len(inst.demand))
    return bool(
        (amount >= 0).all()
        and (have <= inst.demand).all()
        and (slack_of(inst, pairs, amount) >= 0).all()
        and len(moq_violations(inst, pairs, amount)) == 0
    )
