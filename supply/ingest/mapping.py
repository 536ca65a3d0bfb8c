"""Column mapping of an upload: suggested from the headers (zh/en), remembered per source.

``suggest_mapping`` matches headers to a table's columns; ``remembered_mapping`` and
``remember_mapping`` keep the mapping a user confirmed for a source with the same headers
(JSON in the data directory, written atomically under a lock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import polars as pl

from supply.data.files import exclusive
from supply.data.store import Store
from supply.i18n import t
from supply.ingest.parse import parse_column
from supply.ingest.read import IngestError
from supply.ingest.spec import SPECS, norm_header

MAPPINGS_FILE = "ingest_mappings.json"


def suggest_mapping(table: str, headers: list[str], remembered: dict | None = None) -> dict[str, str | None]:
    """Target column -> source header (or None), matched in Chinese and English.

    A remembered mapping wins where its header is present; then headers equal to a known
    variant (after removing case, width, spaces and units in brackets); then headers that
    contain a variant of two or more characters, the longest variant first.
    """
    specs = SPECS[table]
    found = {h: norm_header(h) for h in headers}
    out: dict[str, str | None] = dict.fromkeys(specs)
    used: set[str] = set()
    for target, header in (remembered or {}).items():
        if target in out and header in found and header not in used:
            out[target], _ = header, used.add(header)
    for target, spec in specs.items():
        if out[target]:
            continue
        variants = {norm_header(a) for a in spec.aliases} | {norm_header(target)}
        for h, n in found.items():
            if h not in used and n in variants:
                out[target], _ = h, used.add(h)
                break
    for target, spec in specs.items():
        if out[target]:
            continue
        variants = sorted(
            (norm_header(a) for a in spec.aliases if len(norm_header(a)) >= 2), key=len, reverse=True
        )
        for v in variants:
            hit = next((h for h, n in found.items() if h not in used and v in n), None)
            if hit:
                out[target], _ = hit, used.add(hit)
                break
    return out


def parse_defaults(table: str, values: dict[str, str]) -> dict:
    """The user's explicit values for columns a file lacks, parsed like cells of those columns."""
    specs = SPECS[table]
    out = {}
    for column, text in values.items():
        if column not in specs:
            raise IngestError("unknown_column", column=column, table=table, columns=", ".join(specs))
        if text is None or (isinstance(text, str) and not text.strip()):
            continue
        if not isinstance(text, str):
            out[column] = text
            continue
        values_, errs = parse_column(pl.Series([text], dtype=pl.String), specs[column].kind, column)
        if errs[0] is not None:
            raise IngestError(
                "bad_default",
                column=column,
                value=text,
                reason=t(f"ingest.reason.{errs[0]}", "en", detail=""),
            )
        out[column] = values_.to_list()[0]
    return out


def _fingerprint(table: str, headers: list[str]) -> str:
    """Identifies a source by its table and the set of its headers (the same export each time)."""
    text = table + "|" + "|".join(sorted(norm_header(h) for h in headers))
    return f"{table}:{hashlib.sha1(text.encode()).hexdigest()[:16]}"


def _mappings_path(store: Store | str | os.PathLike) -> Path:
    root = store.data_dir if isinstance(store, Store) else Path(store)
    return root / MAPPINGS_FILE


def remembered_mapping(store: Store | str | os.PathLike, table: str, headers: list[str]) -> dict | None:
    """The mapping last confirmed for a source with these headers, or None."""
    path = _mappings_path(store)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = saved.get(_fingerprint(table, headers))
    return dict(entry["mapping"]) if entry else None


def remember_mapping(
    store: Store | str | os.PathLike, table: str, headers: list[str], mapping: dict, crs: str | None = None
) -> None:
    """Save a confirmed mapping for this source (JSON in the data directory, written atomically)."""
    path = _mappings_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(path.with_name(".ingest_mappings.lock")):
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        saved[_fingerprint(table, headers)] = {
            "table": table,
            "headers": list(headers),
            "mapping": {k: v for k, v in mapping.items() if v},
            "crs": crs,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def _resolve_mapping(store: Store, table: str, headers: list[str], mapping: dict | None) -> dict:
    """Explicit mapping entries win over the remembered or suggested ones."""
    auto = suggest_mapping(table, headers, remembered_mapping(store, table, headers))
    return {**auto, **(mapping or {})}
