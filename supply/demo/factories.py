"""Synthetic factories, cluster by cluster, drawn with whole-array (vectorised) operations.

Factory ids run F0000001, F0000002 ... cluster after cluster in the order of
``clusters.CLUSTERS``, so a table sorted by factory id is also grouped by cluster.
Besides the ``factories`` table, generation returns ``FactoryArrays``: the few per-factory
numbers (size, categories, lead time, pooled flag) that capacity, orders and stock are
drawn from, as plain arrays indexed by factory number - 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from supply.data import schema
from supply.demo import names
from supply.demo.clusters import CAT_INDEX, CERTS, CLUSTERS, ClusterSpec, id_strings, rng, split_counts
from supply.maps import geo

N_CATS = len(schema.CATEGORIES)


@dataclass(frozen=True)
class FactoryArrays:
    """Per-factory numbers other tables are drawn from (index i is factory F{i+1:07d})."""

    employees: np.ndarray  # int32 workers
    mask: np.ndarray  # uint8: bit c set when the factory makes schema.CATEGORIES[c]
    first_cat: np.ndarray  # int8 code of the first category in its list (its main trade)
    last_cat: np.ndarray  # int8 code of the last category in its list
    lead: np.ndarray  # int16 bulk lead days
    uniform_pool: np.ndarray  # bool: in pooled planning and makes school uniforms
    cluster: np.ndarray  # int8 index into CLUSTERS

    @property
    def n(self) -> int:
        """Number of factories."""
        return len(self.employees)

    @staticmethod
    def concat(parts: list[FactoryArrays]) -> FactoryArrays:
        """One FactoryArrays from per-cluster parts, in order."""
        fields = FactoryArrays.__dataclass_fields__
        return FactoryArrays(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


def _list_lookup(options: tuple[str, ...], bits: np.ndarray) -> pl.Series:
    """List column from bit masks over ``options`` (bit j set -> options[j] is in the list)."""
    table = pl.Series([[o for j, o in enumerate(options) if m >> j & 1] for m in range(1 << len(options))])
    return table.gather(bits.astype(np.int64))


def employees_for(r: np.random.Generator, n: int) -> np.ndarray:
    """Heavy-tailed firm sizes: a lognormal body with mean ~23 workers (Zhili fact #6), a Pareto tail."""
    employees = np.exp(r.normal(2.45, 1.0, n))
    tail = r.random(n) < 0.01
    employees[tail] = 150 * (1 + r.pareto(1.3, tail.sum()))
    return np.clip(np.round(employees), 3, 5000).astype(np.int32)


def cluster_factories(seed: int, ci: int, spec: ClusterSpec, n: int, first_id: int):
    """One cluster's factories: (the ``factories`` frame, its FactoryArrays)."""
    r = rng(seed, 1, ci)
    adcode = spec.adcodes[0]
    lon, lat = geo.sample_points(adcode, n, rng(seed, 2, ci), centres=8, spread=0.18)
    employees = employees_for(r, n)
    mix_cats = [c for c, _ in spec.mix]  # every spec lists its main category in its mix
    picked = r.random((n, len(spec.mix))) < np.array([p for _, p in spec.mix])
    picked[~picked.any(axis=1), mix_cats.index(spec.main_category)] = True
    bits = (picked * (1 << np.arange(len(spec.mix)))).sum(axis=1)
    cats = _list_lookup(tuple(mix_cats), bits)
    codes = np.array([CAT_INDEX[c] for c in mix_cats], dtype=np.int8)
    mask = (picked * (1 << codes.astype(np.int64))).sum(axis=1).astype(np.uint8)
    first_cat = codes[np.argmax(picked, axis=1)]
    last_cat = codes[len(codes) - 1 - np.argmax(picked[:, ::-1], axis=1)]
    big = employees >= 100
    member = r.random(n) < np.where(big, 0.85, 0.45)
    apparel_bits = (1 << CAT_INDEX["school_uniform"]) | (1 << CAT_INDEX["childrens_wear"])
    pooled = member & ((mask & apparel_bits) > 0) & (r.random(n) < 0.7)
    cert_bits = (r.random((n, len(CERTS))) < np.where(big, 0.5, 0.12)[:, None]) * (1 << np.arange(len(CERTS)))
    established = np.clip(2024 - np.round(r.gamma(2.0, 5.0, n) * np.where(big, 1.8, 1.0)), 1985, 2025)
    moq = np.where(big, r.choice([500, 1000, 2000], n), r.choice([50, 100, 200, 300], n))
    sample_days = r.integers(1, 8, n)
    lead = np.where(big, r.integers(10, 31, n), r.integers(3, 15, n)).astype(np.int16)
    main_names = [schema.CATEGORIES[c] for c in first_cat]
    place = geo.place_names(adcode)
    town = "织里镇" if spec.cluster_id == "zhili" else None
    prefix = f"{place['province']}{place['city']}{place['county']}{town or ''}示例路"
    frame = pl.DataFrame(
        {
            "factory_id": id_strings("F", np.arange(first_id, first_id + n), 7),
            "name": names.factory_names(rng(seed, 11, ci), spec.cluster_id, main_names, employees),
            "cluster_id": spec.cluster_id,
            "adcode": adcode,
            "town": pl.Series([town] * n, dtype=pl.String),
            "address": prefix + id_strings("", np.arange(1, n + 1), 1) + "号",
            "lon": lon,
            "lat": lat,
            "coord_source": "wgs84",
            "categories": cats,
            "employees": employees,
            "established_year": established.astype(np.int16),
            "association_member": member,
            "pooled_planning": pooled,
            "certifications": _list_lookup(CERTS, cert_bits.sum(axis=1)),
            "moq_pieces": moq.astype(np.int32),
            "sample_days": sample_days.astype(np.int16),
            "bulk_lead_days": lead,
        }
    )
    arrays = FactoryArrays(
        employees=employees,
        mask=mask,
        first_cat=first_cat,
        last_cat=last_cat,
        lead=lead,
        uniform_pool=pooled & ((mask >> CAT_INDEX["school_uniform"] & 1) > 0),
        cluster=np.full(n, ci, dtype=np.int8),
    )
    return schema.conform("factories", frame), arrays


def cluster_sizes(n_factories: int) -> list[int]:
    """Factories per cluster (largest-remainder split of the total by each cluster's share)."""
    return split_counts(n_factories, [c.share for c in CLUSTERS])


def generate(seed: int, n_factories: int) -> Iterator[tuple[int, pl.DataFrame, FactoryArrays]]:
    """(cluster index, frame, arrays) in cluster_id order (the layout's), ids numbered in CLUSTERS order.

    Factory ids stay consecutive within a cluster and Zhili's come first (F0000001 is a Zhili
    factory); the frames come out alphabetically by cluster_id so the table is sorted by
    (cluster_id, factory_id)."""
    sizes = cluster_sizes(n_factories)
    firsts = np.cumsum([1] + sizes[:-1])
    for ci in sorted(range(len(CLUSTERS)), key=lambda i: CLUSTERS[i].cluster_id):
        frame, arrays = cluster_factories(seed, ci, CLUSTERS[ci], sizes[ci], int(firsts[ci]))
        yield ci, frame, arrays


def factory_chunks(seed: int, n_factories: int) -> Iterator[pl.DataFrame]:
    """The factories table, one frame per cluster."""
    for _, frame, _ in generate(seed, n_factories):
        yield frame
