"""The commit path of an upload: merge the valid rows by key into the newest snapshot.

``write_checked`` merges a checked upload into the newest snapshot through ``Store.change``:
the merge, the table layout and the rollups are built outside the writer lock, and only the
publishing rename happens under it; when another writer landed meanwhile, the upload is
checked again against the new newest snapshot and merged into that. ``commit`` is the
Data page's entry; ``replay`` checks a kept raw upload again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from supply.data import files, schema
from supply.data.store import Change, Snapshot, Store
from supply.i18n import t
from supply.ingest.merge import merge, touched_ranges
from supply.ingest.read import IngestError, read_upload
from supply.ingest.validation import Progress, Validation, validate


def ingest_lock(store: Store):
    """The store's one writer lock (kept under its old name for callers of the ingest API)."""
    return store.lock()


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.lstrip(".")
    return re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", base)[:120] or "upload"


def _user(viewer) -> str:
    return getattr(viewer, "user", None) or "cli"


def _change(
    store: Store,
    v: Validation,
    base: Snapshot | None,
    source_name: str,
    source_bytes: bytes | Path,
    progress: Progress | None,
    staging: Path,
) -> Change:
    """Merge the valid rows into ``base`` by key (into ``staging``); the Change that writes them.

    Refuses (IngestError ``no_change``) an upload whose every row is already in ``base``
    exactly as uploaded: the merged table would equal the newest snapshot's.
    """
    table = v.table
    if progress:
        progress(0.2, t("ingest.progress.merging", "en"))
    if v.staged is None:  # small uploads: stage the valid rows so one merge serves both
        (staging / "rows").mkdir()
        v.valid.select("_row", *schema.TABLES[table]).write_parquet(staging / "rows" / "part-0.parquet")
        staged_glob = str(staging / "rows" / "*.parquet")
    else:
        staged_glob = str(v.staged / "part-*.parquet")
    merged_path = staging / f"{table}.parquet"
    base_path = base.table_path(table) if base and table in base.tables else None
    touched = touched_ranges(base_path, staged_glob, sorted(v.bad_rows), table, staging)
    _, changed = merge(base_path, staged_glob, sorted(v.bad_rows), table, merged_path, staging, touched)
    if changed == 0 and base is not None:
        raise IngestError("no_change", sid=base.snapshot_id, file=source_name)
    # a file on disk is hashed in blocks and copied by the store, never read into memory whole
    if isinstance(source_bytes, Path):
        sha, size = files.sha256_file(source_bytes), source_bytes.stat().st_size
    else:
        sha, size = hashlib.sha256(source_bytes).hexdigest(), len(source_bytes)
    name = _safe_name(source_name)
    rows_new = v.rows_new
    source = {
        "kind": "upload",
        "table": table,
        "file": source_name,
        "sha256": sha,
        "bytes": size,
        "raw": f"uploads/raw/{name}",  # a file called ingest.json cannot overwrite the replay info
        "user": _user(v.viewer),
        "rows_changed": changed,
        "rows_in": v.rows_in,
        "rows_committed": v.rows_ok,
        "rows_left_out": v.rows_bad,
        "rows_new": rows_new,
        "rows_updated": v.rows_ok - rows_new,
        "crs": v.crs,
        "mapping": v.mapping,
        "defaults": _jsonable(v.defaults),
        "as_of": v.as_of.isoformat(),
        "validated_against": v.base_snapshot_id,
        "by": {
            "role": getattr(v.viewer, "role", "admin"),
            "factory_id": getattr(v.viewer, "factory_id", None),
            "cluster_id": getattr(v.viewer, "cluster_id", None),
            "user": _user(v.viewer),
        },
    }
    replay_info = {k: source[k] for k in ("table", "file", "sha256", "crs", "mapping", "defaults", "as_of")}
    extra = {
        source["raw"]: source_bytes,
        "uploads/ingest.json": json.dumps(replay_info, ensure_ascii=False, indent=1).encode("utf-8"),
    }
    as_of = max(v.as_of, base.as_of) if base else v.as_of
    if progress:
        progress(0.7, t("ingest.progress.writing", "en"))
    return Change(
        {table: merged_path},
        as_of=as_of,
        source=source,
        extra_files=extra,
        prefix="upload",
        touched={} if touched is None else {table: touched},  # for the history diff (supply/data/delta.py)
    )


def refusal(v: Validation, allow_partial: bool) -> IngestError | None:
    """Why a checked upload cannot be committed (nothing valid, or errors not allowed), or None."""
    if v.rows_ok == 0:
        return IngestError("nothing_valid", bad=v.rows_bad)
    if v.rows_bad and not allow_partial:
        return IngestError("has_errors", bad=v.rows_bad, ok=v.rows_ok)
    return None


def write_checked(
    store: Store,
    v: Validation,
    source_name: str,
    source_bytes: bytes | Path,
    *,
    allow_partial: bool = False,
    recheck: Callable[[Snapshot | None], Validation] | None = None,
    strict: bool = True,
    progress: Progress | None = None,
) -> Snapshot:
    """Merge a checked upload into the newest snapshot: built outside the writer lock, published under it.

    When the newest snapshot is not the one ``v`` was checked against (another writer landed
    before or while this one was built), the upload is checked again with ``recheck(newest)``
    and refused if it no longer passes (``strict``: if it has more bad rows than before); with
    no ``recheck`` it is refused (``base_changed``). Nothing is ever merged on stale checks.
    """
    refused = refusal(v, allow_partial)
    if refused:
        raise refused
    current, fresh_ones = [v], []

    def build(base: Snapshot | None, staging: Path) -> Change:
        base_id = base.snapshot_id if base else None
        if base_id != current[0].base_snapshot_id:
            if recheck is None:
                raise IngestError("base_changed", sid=base_id)
            fresh = recheck(base)
            fresh_ones.append(fresh)
            if strict and fresh.rows_bad > v.rows_bad:
                raise IngestError("base_changed", sid=base_id)
            problem = refusal(fresh, allow_partial)
            if problem:
                raise problem
            current[0] = fresh
        return _change(store, current[0], base, source_name, source_bytes, progress, staging)

    try:
        snap = store.change(build)
    finally:
        for fresh in fresh_ones:
            if fresh.staged is not None:
                files.drop_scratch(fresh.staged)
    if progress:
        progress(1.0, t("ingest.progress.done", "en", sid=snap.snapshot_id))
    return snap


def _jsonable(d: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in (d or {}).items()}


def commit(
    store: Store,
    table: str,
    validation: Validation,
    *,
    base_snapshot: Snapshot | None,
    source_name: str,
    source_bytes: bytes,
    allow_partial: bool = False,
    progress: Progress | None = None,
) -> Snapshot:
    """Write the valid rows as a new snapshot, merged by key into the newest snapshot.

    Refuses (IngestError) when no row is valid, or when some rows have errors and
    ``allow_partial`` is False. If another upload landed since ``validate`` ran, the
    upload is checked again against the newest snapshot inside the writer lock; it is
    refused if that finds new errors, so nothing is merged on stale checks.
    """
    if validation.table != table:
        raise IngestError("table_mismatch", table=table, checked=validation.table)
    if base_snapshot is not None and validation.base_snapshot_id is None:
        validation.base_snapshot_id = base_snapshot.snapshot_id
    recheck = None
    if validation.raw is not None and validation.staged is None:

        def recheck(latest):
            return validate(
                table,
                validation.raw,
                validation.mapping,
                base_snapshot=latest,
                crs=validation.crs,
                as_of=validation.as_of,
                defaults=validation.defaults,
                viewer=validation.viewer,
            )

    return write_checked(
        store,
        validation,
        source_name,
        source_bytes,
        allow_partial=allow_partial,
        recheck=recheck,
        progress=progress,
    )


def replay(store: Store, snapshot_id: str) -> Validation:
    """Check a snapshot's kept raw upload again, with the same settings, against its parent."""
    snap = store.get(snapshot_id)
    src = snap.manifest.get("source") or {}
    if src.get("kind") != "upload":
        raise IngestError("not_an_upload", sid=snapshot_id)
    info = json.loads((snap.path / "uploads" / "ingest.json").read_text(encoding="utf-8"))
    data = (snap.path / src["raw"]).read_bytes()
    parent = store.get(snap.manifest["parent"]) if snap.manifest.get("parent") else None
    read = read_upload(info["file"], data)
    defaults = info.get("defaults") or {}
    return validate(
        info["table"],
        read,
        info["mapping"],
        base_snapshot=parent,
        crs=info["crs"],
        as_of=dt.date.fromisoformat(info["as_of"]),
        defaults=defaults,
    )
