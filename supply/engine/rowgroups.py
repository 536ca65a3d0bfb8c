"""Which rows of a table differ between two snapshot files, from their row groups (issue 12).

Tables are written sorted in row groups of a fixed size (supply/data/layout.py), so the same
rows give the same groups whatever program wrote them. ``differing_ranges`` pairs group i of
both files: equal column statistics, then equal bytes, then equal decoded values mean equal
rows; the groups that differ give key ranges (of the file's first sort key) that hold every
row that differs. ``range_filter`` turns those ranges into a predicate with bound values.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq

MAX_RANGES = 64  # more separate runs than this: one range from the first to the last
Range = tuple  # (low, high, nulls): rows with low <= key <= high, or a null key when nulls


def _stats(group, col: int):
    st = group.column(col).statistics
    if st is None:
        return None
    return (st.min, st.max, st.null_count) if st.has_min_max else (None, None, st.null_count)


def _chunk_bytes(fd: int, group) -> list[bytes]:
    """The raw bytes of every column chunk of one row group."""
    out = []
    for c in range(group.num_columns):
        col = group.column(c)
        start = col.data_page_offset
        if col.has_dictionary_page and col.dictionary_page_offset:
            start = min(start, col.dictionary_page_offset)
        out.append(os.pread(fd, col.total_compressed_size, start))
    return out


def _same_group(fa: pq.ParquetFile, fb: pq.ParquetFile, fds: tuple[int, int], i: int) -> bool:
    """True when row group i holds the same rows in both files: statistics, then bytes, then values."""
    ga, gb = fa.metadata.row_group(i), fb.metadata.row_group(i)
    if ga.num_rows != gb.num_rows:
        return False
    if any(_stats(ga, c) != _stats(gb, c) for c in range(ga.num_columns)):
        return False
    if _chunk_bytes(fds[0], ga) == _chunk_bytes(fds[1], gb):
        return True
    # written by another program: compare values (a reader per call; one reader is not thread-safe)
    ta = pq.ParquetFile(fa.reader_path, metadata=fa.metadata).read_row_group(i)
    tb = pq.ParquetFile(fb.reader_path, metadata=fb.metadata).read_row_group(i)
    try:
        return ta.equals(tb.cast(ta.schema))
    except (ValueError, TypeError, NotImplementedError):
        return False


def differing_ranges(path_a: Path, path_b: Path, column: str) -> list[Range] | None:
    """Key ranges of ``column`` that hold every row differing between two table files, or None.

    None means the row groups do not line up (different group sizes, columns or missing
    statistics) or more than a quarter of them differ: compare the whole table. An empty list
    means the files hold the same rows.
    """
    fa, fb = pq.ParquetFile(path_a), pq.ParquetFile(path_b)
    fa.reader_path, fb.reader_path = path_a, path_b
    ma, mb = fa.metadata, fb.metadata
    names = ma.schema.names
    if names != mb.schema.names or ma.num_row_groups != mb.num_row_groups or column not in names:
        return None
    col = names.index(column)
    with open(path_a, "rb") as a, open(path_b, "rb") as b:
        fds = (a.fileno(), b.fileno())
        with ThreadPoolExecutor(max_workers=2) as pool:
            same = list(pool.map(lambda i: _same_group(fa, fb, fds, i), range(ma.num_row_groups)))
    if sum(not e for e in same) > max(1, len(same) // 4):
        return None  # most of the table differs: narrowing would save little, compare it whole
    runs: list[list] = []
    for i, equal in enumerate(same):
        if equal:
            continue
        sa, sb = _stats(ma.row_group(i), col), _stats(mb.row_group(i), col)
        if sa is None or sb is None:
            return None
        bounds = [v for v in (sa[0], sa[1], sb[0], sb[1]) if v is not None]
        low, high = (min(bounds), max(bounds)) if bounds else (None, None)
        nulls = bool(sa[2] or sb[2])
        if runs and runs[-1][3] == i - 1 and low is not None and runs[-1][0] is not None:
            run = runs[-1]
            run[0], run[1], run[2], run[3] = min(run[0], low), max(run[1], high), run[2] or nulls, i
        else:
            runs.append([low, high, nulls, i])
    if len(runs) > MAX_RANGES:
        lows = [r[0] for r in runs if r[0] is not None]
        highs = [r[1] for r in runs if r[1] is not None]
        runs = [[min(lows) if lows else None, max(highs) if highs else None, any(r[2] for r in runs), 0]]
    return [(r[0], r[1], r[2]) for r in runs]


def range_filter(column: str, ranges: list[Range], alias: str = "s") -> tuple[str, dict]:
    """A predicate selecting the rows in ``ranges`` (values bound as parameters) and its parameters."""
    terms, params = [], {}
    for i, (low, high, nulls) in enumerate(ranges):
        if low is not None:
            terms.append(f"{alias}.{column} between $lo{i} and $hi{i}")
            params |= {f"lo{i}": low, f"hi{i}": high}
        if nulls:
            terms.append(f"{alias}.{column} is null")
    return ("(" + " or ".join(dict.fromkeys(terms)) + ")" if terms else "false"), params
