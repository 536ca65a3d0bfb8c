"""County analytics for planners: location quotients, strong clusters, concentration, change.

The aggregation happens in DuckDB (queries/county_*.sql, cluster_concentration.sql); the
functions here work on those small county x category tables, so they stay cheap at any
number of factories.

Location quotient, as the U.S. Cluster Mapping Project computes it::

    LQ(county, category) = (county category capacity / county total capacity)
                           / (all-data category capacity / all-data total capacity)

LQ > 1 means the county is more specialised in the category than the data as a whole. A
county is a *strong cluster* in a category when LQ >= 1 and its LQ is in the top quartile
of that category's LQs across counties.

Suppression (DESIGN.md section 6): a planner's capacity cells of fewer than 3 factories
are null. A county with any suppressed cell has an unknown total, so none of its LQs can
be computed, and showing its total would let a reader subtract the other categories and
recover the hidden cell. Such a county is *withheld*: every LQ and capacity figure of it is
null and flagged ``suppressed``, never zero. The all-data reference totals are summed over
the counties that are not withheld.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from supply.maps import geo

# Employees per factory (a public attribute) for the size-band filter: (min, max), inclusive.
SIZE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "all": (None, None),
    "micro": (None, 19),
    "small": (20, 99),
    "medium": (100, 499),
    "large": (500, None),
}

# Columns the county table may be sorted by (an allow-list: the page passes user input).
SORTABLE = (
    "factories",
    "members",
    "employees",
    "capacity_pieces",
    "utilisation",
    "lq",
    "top_lq",
    "factories_change",
    "capacity_change",
    "utilisation_change",
    "lq_change",
    "adcode",
)


def location_quotients(frame: pl.DataFrame, value: str = "capacity_pieces") -> pl.DataFrame:
    """Location quotient and strong-cluster flag per county and category.

    Parameters
    ----------
    frame : pl.DataFrame
        One row per county and category with ``adcode``, ``category``, ``value`` and
        optionally ``suppressed`` (bool). A category missing for a county counts as 0.
    value : str
        The measure column (capacity in pieces by default).

    Returns
    -------
    pl.DataFrame
        ``adcode, category, value, county_total, share, lq, lq_q75, strong, suppressed``
        for every county x category, sorted. ``lq`` is null for withheld counties and
        for categories with no capacity anywhere; ``lq_q75`` is the category's
        top-quartile threshold.

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["A", "A", "B"], "category": ["x", "y", "y"],
    ...                   "capacity_pieces": [20.0, 20.0, 60.0]})
    >>> location_quotients(f).filter(pl.col("adcode") == "A")["lq"].to_list()  # (20/40) / (20/100)
    [2.5, 0.625]
    """
    if "suppressed" not in frame.columns:
        frame = frame.with_columns(suppressed=pl.lit(False))
    base = (
        frame.select(
            pl.col("adcode").cast(pl.String),
            pl.col("category").cast(pl.String),
            pl.col(value).cast(pl.Float64).alias("value"),
            pl.col("suppressed").fill_null(False).cast(pl.Boolean),
        )
        .group_by("adcode", "category")
        .agg(
            pl.when(pl.col("suppressed").any())
            .then(None)
            .otherwise(pl.col("value").fill_null(0).sum())
            .alias("value"),
            pl.col("suppressed").any(),
        )
    )
    counties = base.select("adcode").unique()
    categories = base.select("category").unique()
    grid = counties.join(categories, how="cross").join(base, on=["adcode", "category"], how="left")
    grid = grid.with_columns(
        pl.when(pl.col("suppressed").is_null()).then(0.0).otherwise(pl.col("value")).alias("value"),
        pl.col("suppressed").fill_null(False),
    )
    withheld = grid.group_by("adcode").agg(pl.col("suppressed").any().alias("withheld"))
    grid = grid.join(withheld, on="adcode").with_columns(
        pl.when(pl.col("withheld")).then(None).otherwise(pl.col("value")).alias("value")
    )
    known = grid.filter(~pl.col("withheld"))
    total = known["value"].sum() if known.height else 0.0
    # The reference: each category's share of all capacity in the counties not withheld.
    reference = (
        known.group_by("category")
        .agg(pl.col("value").sum().alias("category_total"))
        .with_columns(
            ref_share=pl.when((pl.col("category_total") > 0) & pl.lit(total > 0)).then(
                pl.col("category_total") / pl.lit(float(total or 1.0))
            )
        )
    )
    out = (
        grid.join(reference, on="category", how="left")
        .with_columns(
            county_total=pl.when(pl.col("withheld"))
            .then(None)
            .otherwise(pl.col("value").sum().over("adcode"))
        )
        .with_columns(
            share=pl.col("value") / pl.when(pl.col("county_total") > 0).then(pl.col("county_total"))
        )
        .with_columns(lq=pl.col("share") / pl.col("ref_share"))
    )
    q75 = out.group_by("category").agg(
        pl.col("lq").drop_nulls().quantile(0.75, interpolation="linear").alias("lq_q75")
    )
    out = out.join(q75, on="category", how="left").with_columns(
        strong=((pl.col("lq") >= 1) & (pl.col("lq") >= pl.col("lq_q75"))).fill_null(False)
    )
    return out.select(
        "adcode",
        "category",
        "value",
        "county_total",
        "share",
        "lq",
        "lq_q75",
        "strong",
        pl.col("withheld").alias("suppressed"),
    ).sort("adcode", "category")


def hhi(values) -> float | None:
    """Herfindahl-Hirschman index (0-10,000) of the shares of ``values``; None if they sum to 0.

    Examples
    --------
    >>> hhi([50, 50])
    5000.0
    """
    v = np.asarray([x for x in values if x is not None], dtype=float)
    total = v.sum()
    if v.size == 0 or total <= 0:
        return None
    s = v / total
    return float(10000 * np.sum(s * s))


def add_change(
    now: pl.DataFrame, before: pl.DataFrame | None, on: list[str] | str, columns: list[str]
) -> pl.DataFrame:
    """``now`` with ``<col>_change`` = now - before for each column (null when unknown either side)."""
    on = [on] if isinstance(on, str) else list(on)
    if before is None:
        return now.with_columns([pl.lit(None, pl.Float64).alias(f"{c}_change") for c in columns])
    prev = before.select(*on, *[pl.col(c).alias(f"{c}__prev") for c in columns if c in before.columns])
    joined = now.join(prev, on=on, how="left")
    return joined.with_columns(
        [
            (pl.col(c).cast(pl.Float64) - pl.col(f"{c}__prev").cast(pl.Float64)).alias(f"{c}_change")
            if f"{c}__prev" in joined.columns
            else pl.lit(None, pl.Float64).alias(f"{c}_change")
            for c in columns
        ]
    ).drop([c for c in joined.columns if c.endswith("__prev")])


def county_capacity(capacity: pl.DataFrame, category: str | None = None) -> pl.DataFrame:
    """Per county: weekly capacity, booked and utilisation (one category or all), withheld if suppressed."""
    rows = capacity if category is None else capacity.filter(pl.col("category") == category)
    # A county's total is withheld when any of its cells is suppressed (see module docstring).
    withheld = capacity.group_by("adcode").agg(pl.col("suppressed").any().alias("withheld"))
    agg = rows.group_by("adcode").agg(
        pl.col("capacity_pieces").sum(),
        pl.col("booked_pieces").sum(),
        pl.col("n_factories").sum(),
        pl.col("suppressed").any(),
    )
    out = withheld.join(agg, on="adcode", how="left").with_columns(
        pl.col("suppressed").fill_null(False) | pl.col("withheld")
    )
    hidden = pl.col("suppressed")
    return out.select(
        "adcode",
        pl.when(hidden).then(None).otherwise(pl.col("capacity_pieces").fill_null(0)).alias("capacity_pieces"),
        pl.when(hidden).then(None).otherwise(pl.col("booked_pieces").fill_null(0)).alias("booked_pieces"),
        pl.when(hidden)
        .then(None)
        .otherwise(
            pl.col("booked_pieces") / pl.when(pl.col("capacity_pieces") > 0).then(pl.col("capacity_pieces"))
        )
        .alias("utilisation"),
        "suppressed",
    )


def county_table(
    totals: pl.DataFrame,
    capacity: pl.DataFrame,
    places: pl.DataFrame,
    category: str | None = None,
    lq_category: str | None = None,
) -> pl.DataFrame:
    """The county comparison table (one row per county), before any change columns.

    Parameters
    ----------
    totals : pl.DataFrame
        ``county_factory_totals``: adcode, cluster_ids, factories, members, employees.
    capacity : pl.DataFrame
        ``county_capacity_by_category``: adcode, category, capacity_pieces,
        booked_pieces, n_factories, suppressed.
    places : pl.DataFrame
        ``geo.places_frame``: adcode, province, city, county.
    category : str or None
        Capacity and utilisation for this category only (None = all categories).
    lq_category : str or None
        The category whose LQ fills the ``lq`` column (None leaves it null).

    Returns
    -------
    pl.DataFrame
        adcode, province, city, county, cluster_ids, factories, members, employees,
        capacity_pieces, utilisation, lq, strong, top_category, top_lq, suppressed.
    """
    lq = (
        location_quotients(capacity)
        if capacity.height
        else pl.DataFrame(
            schema={
                "adcode": pl.String,
                "category": pl.String,
                "lq": pl.Float64,
                "strong": pl.Boolean,
                "suppressed": pl.Boolean,
            }
        )
    )
    focus = (
        lq.filter(pl.col("category") == lq_category).select("adcode", "lq", "strong")
        if lq_category
        else pl.DataFrame(schema={"adcode": pl.String, "lq": pl.Float64, "strong": pl.Boolean})
    )
    top = (
        lq.filter(pl.col("lq").is_not_null())
        .sort("lq", descending=True)
        .group_by("adcode", maintain_order=True)
        .first()
        .select("adcode", pl.col("category").alias("top_category"), pl.col("lq").alias("top_lq"))
    )
    cap = (
        county_capacity(capacity, category)
        if capacity.height
        else pl.DataFrame(
            schema={
                "adcode": pl.String,
                "capacity_pieces": pl.Float64,
                "booked_pieces": pl.Float64,
                "utilisation": pl.Float64,
                "suppressed": pl.Boolean,
            }
        )
    )
    adcodes = pl.concat([totals.select("adcode"), cap.select("adcode")]).unique()
    table = (
        adcodes.join(places, on="adcode", how="left")
        .join(totals, on="adcode", how="left")
        .join(cap.drop("booked_pieces"), on="adcode", how="left")
        .join(focus, on="adcode", how="left")
        .join(top, on="adcode", how="left")
    )
    return table.select(
        "adcode",
        "province",
        "city",
        "county",
        "cluster_ids",
        pl.col("factories").fill_null(0),
        pl.col("members").fill_null(0),
        pl.col("employees").fill_null(0),
        "capacity_pieces",
        "utilisation",
        "lq",
        pl.col("strong").fill_null(False),
        "top_category",
        "top_lq",
        pl.col("suppressed").fill_null(False),
    ).sort("adcode")


def sort_table(frame: pl.DataFrame, by: str, descending: bool = True) -> pl.DataFrame:
    """Sort by an allow-listed column, nulls (suppressed or unknown) last; ValueError otherwise."""
    if by not in SORTABLE:
        raise ValueError(f"cannot sort by {by!r}; choose one of {', '.join(SORTABLE)}")
    if by not in frame.columns:
        return frame
    return frame.sort(by, descending=descending, nulls_last=True, maintain_order=True)


def bad_coordinates(coords: pl.DataFrame) -> pl.DataFrame:
    """Factories whose coordinates are missing, invalid, outside China or in another county.

    ``coords`` has factory_id, cluster_id, adcode, lon, lat, coord_source (the
    factory_coordinates query, in any order). Returns those rows that have a problem, sorted
    by factory_id, with ``reason``
    (geo.COORD_PROBLEMS), ``found_adcode`` (the county the point lies in) and ``drawn``
    (False when the point cannot be put on the map).
    """
    rows, reason, county, _ = geo.coordinate_problems(
        coords["lon"].cast(pl.Float64).to_numpy(), coords["lat"].cast(pl.Float64).to_numpy(), coords["adcode"]
    )
    out = coords[rows].with_columns(
        reason=pl.Series(reason.tolist(), dtype=pl.String),
        found_adcode=pl.Series(county.tolist(), dtype=pl.String),
    )
    return out.with_columns(drawn=pl.col("reason") == "other_county").sort("factory_id")


DISPLAY_COLUMNS = (
    "adcode",
    "province",
    "city",
    "county",
    "clusters",
    "factories",
    "factories_change",
    "members",
    "employees",
    "capacity_pieces",
    "capacity_change",
    "utilisation",
    "utilisation_change",
    "lq",
    "lq_change",
    "strong",
    "top_category",
    "top_lq",
    "status",
)


def display_county_table(
    table: pl.DataFrame, lang: str, cluster_names: dict[str, str] | None = None
) -> pl.DataFrame:
    """The county table with labels in ``lang``: translated headers and categories, cluster
    names, utilisation in percent, and a status column naming suppressed counties (whose
    numbers stay null, never 0). The page shows it and exports it as CSV."""
    from supply.i18n import label, t

    names = cluster_names or {}
    frame = table.with_columns(
        clusters=pl.col("cluster_ids").list.eval(pl.element().replace(names)).list.join(", ")
        if "cluster_ids" in table.columns
        else pl.lit(None, pl.String),
        top_category=pl.col("top_category").replace_strict(
            {c: label("category", c, lang) for c in table["top_category"].drop_nulls().unique().to_list()},
            default=None,
            return_dtype=pl.String,
        ),
        utilisation=(pl.col("utilisation") * 100).round(1),
        status=pl.when(pl.col("suppressed"))
        .then(pl.lit(t("map.status.suppressed", lang)))
        .otherwise(pl.lit("")),
    )
    if "utilisation_change" in frame.columns:
        frame = frame.with_columns((pl.col("utilisation_change") * 100).round(1))
    frame = frame.with_columns(
        [pl.col(c).round(3) for c in ("lq", "lq_change", "top_lq") if c in frame.columns]
        + [pl.col(c).round(0) for c in ("capacity_pieces", "capacity_change") if c in frame.columns]
    )
    cols = [c for c in DISPLAY_COLUMNS if c in frame.columns]
    return frame.select(cols).rename({c: t(f"map.col.{c}", lang) for c in cols})
