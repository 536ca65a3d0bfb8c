"""What a writer changed in a table, recorded with the snapshot so a diff need not look for it (issue 12).

A writer that knows which factories it touched (a factory owner's capacity edit, an upload
merged by key) passes them with its ``Change`` as ``touched``: key ranges of the table's
``RANGE_COLUMN`` outside which every row of the new table is a row of the base table, and
the other way round. The staging step stores them in the table's manifest entry together
with the sha256 of the base table they are relative to::

    "delta": {"base_sha256": "...", "column": "factory_id", "ranges": [["F0000007", "F0000007", false]]}

``recorded_ranges(a, b)`` gives a diff of two manifest entries those ranges when one was
written from the other (the sha256 must match), so the history diff of a scale-500 table
compares by key only the touched factories, whatever program wrote either file. Without a
delta (the demo, a snapshot two steps away) the diff falls back on the row groups
(supply/engine/rowgroups.py).
"""

from __future__ import annotations

from collections.abc import Iterable

# The column whose ranges narrow a changed table (the first sort key of its file, layout.SORT_KEYS).
RANGE_COLUMN = {"capacity": "factory_id", "orders": "factory_id", "inventory": "factory_id"}
MAX_RANGES = 64  # more touched values than this: as many ranges, each over consecutive values

Range = tuple  # (low, high, nulls): rows with low <= key <= high, or a null key when nulls


def ranges_of(values: Iterable[str | None]) -> list[Range]:
    """Ranges covering every value (None = a null key), at most MAX_RANGES of them.

    >>> ranges_of(["F2", "F1", "F2"])
    [('F1', 'F1', False), ('F2', 'F2', False)]
    >>> ranges_of([None])
    [(None, None, True)]
    """
    values = list(values)
    nulls = any(v is None for v in values)
    keys = sorted({str(v) for v in values if v is not None})
    size = max(1, -(-len(keys) // MAX_RANGES))
    out: list[Range] = [
        (keys[i], keys[min(i + size, len(keys)) - 1], False) for i in range(0, len(keys), size)
    ]
    if nulls:
        out.append((None, None, True))
    return out


def entry(table: str, base_sha256: str | None, ranges: list[Range]) -> dict | None:
    """The manifest's ``delta`` of a table written from a base table with this sha256, or None."""
    column = RANGE_COLUMN.get(table)
    if column is None or not base_sha256:
        return None
    checked = []
    for low, high, nulls in ranges:
        if (low is None) != (high is None) or (low is not None and str(low) > str(high)):
            raise ValueError(f"{table}: touched range {low!r}..{high!r} is not a range")
        checked.append([None if low is None else str(low), None if high is None else str(high), bool(nulls)])
    return {"base_sha256": base_sha256, "column": column, "ranges": checked}


def recorded_ranges(entry_a: dict | None, entry_b: dict | None, table: str) -> list[Range] | None:
    """The recorded ranges holding every row that differs between two entries of ``table``, or None.

    One entry's delta must be relative to the other's exact file (its sha256) and on the
    table's range column; otherwise None (not recorded: look at the files)."""
    column = RANGE_COLUMN.get(table)
    if not entry_a or not entry_b or column is None:
        return None
    for new, old in ((entry_b, entry_a), (entry_a, entry_b)):
        delta = new.get("delta") or {}
        if delta.get("column") == column and delta.get("base_sha256") == old.get("sha256"):
            return [(r[0], r[1], bool(r[2])) for r in delta.get("ranges") or []]
    return None
