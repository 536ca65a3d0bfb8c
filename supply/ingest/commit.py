"""The commit path of an upload: merge the valid rows by key into the newest snapshot.

``commit`` writes a checked upload as a new snapshot under the store's writer lock (the
one lock every snapshot writer takes), re-checking it when another writer landed since it
was checked; ``replay`` checks a kept raw upload again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from supply.data import files, schema
from supply.data.store import Snapshot, Store
from supply.i18n import t
from supply.ingest.merge import merge
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


def _write(
    store: Store,
    v: Validation,
    base: Snapshot | None,
    source_name: str,
    source_bytes: bytes | Path,
    progress: Progress | None,
) -> Snapshot:
    """Merge the valid rows into ``base`` by key and write the new snapshot (lock held).

    Refuses (IngestError ``no_change``) an upload whose every row is already in ``base``
    exactly as uploaded: the merged table would equal the newest snapshot's.
    """
    table = v.table
    with files.scratch_dir(store.data_dir, "ingest-commit") as staging:
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
        _, changed = merge(base_path, staged_glob, sorted(v.bad_rows), table, merged_path, staging)
        if changed == 0 and base is not None:
            raise IngestError("no_change", sid=base.snapshot_id, file=source_name)
        # a file on disk is read only now, after the merge, so the two never share memory
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
        replay_info = {
            k: source[k] for k in ("table", "file", "sha256", "crs", "mapping", "defaults", "as_of")
        }
        raw = source_bytes.read_bytes() if isinstance(source_bytes, Path) else source_bytes
        extra = {
            source["raw"]: raw,
            "uploads/ingest.json": json.dumps(replay_info, ensure_ascii=False, indent=1).encode("utf-8"),
        }
        as_of = max(v.as_of, base.as_of) if base else v.as_of
        if progress:
            progress(0.7, t("ingest.progress.writing", "en"))
        snap = store.derive(
            base, {table: merged_path}, as_of=as_of, source=source, extra_files=extra, prefix="upload"
        )
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
    if validation.rows_ok == 0:
        raise IngestError("nothing_valid", bad=validation.rows_bad)
    if validation.rows_bad and not allow_partial:
        raise IngestError("has_errors", bad=validation.rows_bad, ok=validation.rows_ok)
    with store.writing() as latest:
        latest_id = latest.snapshot_id if latest else None
        validated = validation.base_snapshot_id or (base_snapshot.snapshot_id if base_snapshot else None)
        if latest_id != validated:
            if validation.raw is None or validation.staged is not None:
                raise IngestError("base_changed", sid=latest_id)
            fresh = validate(
                table,
                validation.raw,
                validation.mapping,
                base_snapshot=latest,
                crs=validation.crs,
                as_of=validation.as_of,
                defaults=validation.defaults,
                viewer=validation.viewer,
            )
            if fresh.rows_bad > validation.rows_bad:
                raise IngestError("base_changed", sid=latest_id)
            validation = fresh
        return _write(store, validation, latest, source_name, source_bytes, progress)


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
