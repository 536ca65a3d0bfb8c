"""Snapshot catalogue: list, read, write atomically, verify (DESIGN.md section 4).

Layout::

    DATA_DIR/snapshots/<snapshot_id>/<table>.parquet
    DATA_DIR/snapshots/<snapshot_id>/manifest.json      <- written last
    DATA_DIR/snapshots/<snapshot_id>/uploads/...         <- raw uploads kept for replay
    DATA_DIR/snapshots/.lock                             <- the one writer lock
    DATA_DIR/snapshots/.seq, .pruned                     <- last sequence number, ids removed
    DATA_DIR/snapshots/.trash-*                          <- snapshots being removed, never listed
    DATA_DIR/.scratch-*                                  <- snapshots being staged (supply/data/staging.py)

One writer at a time: every path that writes (an upload, a calendar edit, the demo, prune,
rollups) publishes under ``Store.lock()`` and, through ``Store.writing()``, takes as its base
the newest committed snapshot read again under that lock; ``derive`` refuses any other base.
``change`` builds the new snapshot (tables, layout, rollups) outside the lock and, under it,
publishes only if its base is still the newest, else builds again on the new newest. Each
snapshot gets the next number of a persisted sequence (``manifest["seq"]``, also in new ids),
so ids never repeat, not even after prune, and snapshots are ordered by (as_of, seq), never
by the clock. A snapshot is written into a hidden directory, fsynced, given its manifest
last and renamed into place; a directory without a valid manifest is not a snapshot.
Opening a snapshot checks file sizes, the manifest's own digest and (once per file and
process) each table's sha256; the newest good snapshot is served when the newest is damaged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import polars as pl

from supply.data import files, ids, schema
from supply.data.config import data_dir as resolve_data_dir
from supply.data.snapshot import (
    MANIFEST,
    Snapshot,
    SnapshotError,
    SnapshotExists,
    StaleBase,
    load_manifest,
    table_ok,
    verify_tables,
    write_parquet_chunks,
)
from supply.data.staging import Change, TableSource, publish, stage

__all__ = ["MANIFEST", "Snapshot", "SnapshotError", "SnapshotExists", "StaleBase", "Store"]
__all__ += ["write_parquet_chunks", "TableSource", "Change"]

_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,79}$")
_CLEANED: set[str] = set()  # data directories cleaned once by this process ("on start")


def _with_base(base: Snapshot | None, changed: Mapping[str, TableSource]) -> dict[str, TableSource]:
    """The base's tables (carried forward by path) with the changed ones in their place."""
    tables: dict[str, TableSource] = {name: base.table_path(name) for name in base.tables} if base else {}
    tables.update(changed)
    return tables


def _order(snap: Snapshot) -> tuple:
    """Sort key: data date, then the write sequence (snapshots from before it first)."""
    seq = snap.manifest.get("seq")
    return (snap.manifest["as_of"], seq if isinstance(seq, int) else -1, snap.created_at, snap.snapshot_id)


class Store:
    """The snapshot catalogue of one data directory."""

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.data_dir = resolve_data_dir(data_dir)
        self.root = self.data_dir / "snapshots"
        self.skipped: list[tuple[str, str]] = []
        if str(self.root) not in _CLEANED and self.root.is_dir():
            _CLEANED.add(str(self.root))
            with contextlib.suppress(OSError):  # a read-only copy is only read
                self.clean_tmp(wait=False)

    # -- reading -------------------------------------------------------------------------

    def _load(self, path: Path) -> Snapshot:
        """Read and check one directory's manifest; raise SnapshotError with the reason."""
        return Snapshot(path.name, path, load_manifest(path))

    def list(self) -> list[Snapshot]:
        """All valid snapshots, oldest first (by as_of, then the write sequence).

        Directories with a missing or bad manifest, or a table that does not match it, are
        skipped with a warning that names them; they are also recorded in ``self.skipped``.
        The newest is checked in full (sha256, once per file), so ``list()[-1]`` is good.
        """
        self.skipped = []
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.iterdir()):
            if not path.is_dir() or path.name.startswith("."):
                continue
            try:
                found.append(self._load(path))
            except SnapshotError as exc:
                self._skip(path, str(exc))
        found.sort(key=_order)
        while found:
            problem = self.check(found[-1])
            if problem is None:
                break
            self._skip(found.pop().path, problem)
        return found

    def _skip(self, path: Path, reason: str) -> None:
        self.skipped.append((path.name, reason))
        warnings.warn(f"skipping snapshot directory {path}: {reason}", stacklevel=3)

    def check(self, snap: Snapshot) -> str | None:
        """None when every table matches the manifest (size, rows, sha256), else the problem."""
        for name in snap.tables:
            problem = table_ok(snap, name)
            if problem:
                return problem
        return None

    def latest(self) -> Snapshot | None:
        """The newest good snapshot, or None when there is none."""
        snaps = self.list()
        return snaps[-1] if snaps else None

    def get(self, snapshot_id: str | None = None) -> Snapshot:
        """A named snapshot, or the latest when no id is given."""
        if snapshot_id is None:
            snap = self.latest()
            if snap is None:
                raise SnapshotError(
                    f"no snapshot in {self.root}; build one with `python -m supply demo`"
                    " or load your own data with `python -m supply ingest`"
                )
            return snap
        if not _ID_RE.match(snapshot_id):
            raise SnapshotError(f"{snapshot_id!r} is not a valid snapshot id")
        path = self.root / snapshot_id
        if not path.is_dir():
            raise SnapshotError(f"no snapshot {snapshot_id!r} in {self.root}")
        try:
            return self._load(path)
        except SnapshotError as exc:
            raise SnapshotError(f"snapshot {snapshot_id!r} is not valid: {exc}") from exc

    def open(
        self, snapshot_id: str | None = None, snaps: list | None = None
    ) -> tuple[Snapshot | None, str | None]:
        """The snapshot to serve for ``snapshot_id``, and why it is another one (None when it is not).

        Opening checks the manifest (its digest, every file's size) and each table against it
        (sha256, once per file and process: hard-linked tables are hashed once). A snapshot
        that fails is replaced by the nearest good one, older first, then newer; the reason
        names the snapshot and the problem. (None, reason) when no snapshot is good. ``snaps``:
        this store's ``list()`` when the caller has it already.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            snaps = self.list() if snaps is None else snaps
            if snapshot_id is None:
                return (snaps[-1] if snaps else None), None
            try:
                problem = self.check(self.get(snapshot_id))
            except SnapshotError as exc:
                problem = str(exc)
            if problem is None:
                return self.get(snapshot_id), None
            reason = f"snapshot {snapshot_id!r}: {problem}"
            ids = [s.snapshot_id for s in snaps]
            if snapshot_id in ids:
                i = ids.index(snapshot_id)
                order = snaps[:i][::-1] + snaps[i + 1 :]
            else:
                order = snaps[::-1]
            for candidate in order:
                if self.check(candidate) is None:
                    return candidate, reason
            return None, reason

    def previous(self, snapshot_id: str) -> Snapshot | None:
        """The valid snapshot just before this one, or None."""
        snaps = self.list()
        ids = [s.snapshot_id for s in snaps]
        if snapshot_id not in ids:
            return None
        i = ids.index(snapshot_id)
        return snaps[i - 1] if i > 0 else None

    def read(self, snapshot_id: str | None, table: str) -> pl.DataFrame:
        """Read one table of a snapshot (the latest when the id is None) into memory."""
        snap = self.get(snapshot_id)
        if table not in snap.tables:
            return schema.empty(table) if table in schema.TABLES else pl.DataFrame()
        return pl.read_parquet(snap.table_path(table))

    def verify(self, snapshot_id: str) -> list[str]:
        """Re-hash every table; return a list of problems (empty when the snapshot is sound)."""
        try:
            return verify_tables(self.get(snapshot_id))
        except SnapshotError as exc:
            return [str(exc)]

    # -- the one writer lock -------------------------------------------------------------

    def lock(self, timeout: float | None = None) -> contextlib.AbstractContextManager[None]:
        """The writer lock of this data directory (re-entrant; LockTimeout after ``timeout`` s)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return files.exclusive(self.root / ".lock", timeout)

    @contextlib.contextmanager
    def writing(self, timeout: float | None = None) -> Iterator[Snapshot | None]:
        """Hold the writer lock and yield the base: the newest snapshot, read again under it."""
        with self.lock(timeout):
            self.clean_tmp()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield self.latest()

    def clean_tmp(self, wait: bool = True) -> list[str]:
        """Remove what dead writers left (temporary, trash and scratch directories); return the names.

        With ``wait=False`` it does nothing when another writer holds the lock (that writer
        cleans before it writes). Called on the first Store of a process and before each write.
        """
        if not self.root.is_dir():
            return []
        lock = files.try_exclusive(self.root / ".lock") if not wait else None
        with lock if lock is not None else self.lock() as got:
            if lock is not None and not got:
                return []
            return files.remove_debris(self.root, self.data_dir)

    # -- ids ------------------------------------------------------------------------------

    def _pruned(self) -> dict[str, int]:
        return ids.pruned(self.root)

    def _next_seq(self) -> int:
        return ids.next_seq(self.root, lambda: [s.manifest.get("seq") for s in self._all()])

    def _all(self) -> list[Snapshot]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = []
            for path in self.root.iterdir() if self.root.is_dir() else []:
                if path.is_dir() and not path.name.startswith("."):
                    with contextlib.suppress(SnapshotError):
                        out.append(self._load(path))
            return out

    def _taken(self, snapshot_id: str) -> str | None:
        return ids.taken(self.root, snapshot_id)

    # -- writing -------------------------------------------------------------------------

    def write(
        self,
        snapshot_id: str | None,
        tables: Mapping[str, TableSource],
        *,
        as_of: dt.date,
        parent: str | None = None,
        source: dict | None = None,
        synthetic: bool = False,
        extra_files: Mapping[str, bytes | Path] | None = None,
        created_at: str | None = None,
        prefix: str = "",
    ) -> Snapshot:
        """Write a new snapshot atomically, holding the writer lock, and return it.

        ``tables`` maps a table name to a frame, an iterable of frames (streamed), or the
        Path of an existing Parquet file to carry forward by hard link. ``extra_files``
        (relative path -> bytes, or a Path to copy) are kept beside the tables, e.g. the raw
        upload. With no id, the id is ``[prefix-]YYYY-MM-DD-<seq>``. Raises SnapshotExists when
        the id is taken. (``change`` builds outside the lock; this holds it throughout.)
        """
        with self.lock():
            self.clean_tmp()
            self._check_id(snapshot_id)
            with files.scratch_dir(self.data_dir, "scratch-write") as scratch:
                staged = stage(scratch, tables, extra_files, self.root / parent if parent else None)
                return self._publish(
                    staged, snapshot_id, prefix, as_of, parent, source, synthetic, created_at
                )

    def _check_id(self, snapshot_id: str | None) -> None:
        if snapshot_id is not None and not _ID_RE.match(snapshot_id):
            raise SnapshotError(f"{snapshot_id!r} is not a valid snapshot id")
        if snapshot_id is not None and self._taken(snapshot_id):
            raise SnapshotExists(self._taken(snapshot_id))

    def _publish(self, staged, snapshot_id, prefix, as_of, parent, source, synthetic, created_at=None):
        """Give a staged directory its sequence number and id, then its manifest and name (lock held)."""
        self._check_id(snapshot_id)
        seq = self._next_seq()
        if snapshot_id is None:
            stem = f"{prefix}-{as_of.isoformat()}" if prefix else as_of.isoformat()
            snapshot_id = f"{stem}-{seq}"
            while self._taken(snapshot_id):  # an id an older program chose
                seq = self._next_seq()
                snapshot_id = f"{stem}-{seq}"
        fields = {"as_of": as_of.isoformat(), "parent": parent, "synthetic": synthetic}
        final = publish(staged, self.root, snapshot_id, seq, source=source, created_at=created_at, **fields)
        return self._load(final)

    def derive(
        self,
        base: Snapshot | None,
        changed: Mapping[str, TableSource],
        *,
        as_of: dt.date | None = None,
        source: dict | None = None,
        snapshot_id: str | None = None,
        extra_files: Mapping[str, bytes | Path] | None = None,
        prefix: str = "",
    ) -> Snapshot:
        """Write a new snapshot that changes some tables of ``base`` and carries the rest forward.

        ``base`` must be the newest snapshot (read under the lock, see ``writing``): a change
        derived from an older one would drop what came in since, so it raises StaleBase.
        """
        with self.writing() as newest:
            want = base.snapshot_id if base else None
            have = newest.snapshot_id if newest else None
            if want != have:
                raise StaleBase(
                    f"snapshot {have!r} was written after {want!r}, the base of this change; "
                    "apply the change to the newest snapshot"
                )
            return self.write(
                snapshot_id,
                _with_base(base, changed),
                as_of=as_of or dt.date.today(),
                parent=have,
                source=source,
                synthetic=bool(base and base.synthetic),
                extra_files=extra_files,
                prefix=prefix,
            )

    def change(
        self, build: Callable[[Snapshot | None, Path], Change | None], *, attempts: int = 3, timeout=None
    ) -> Snapshot | None:
        """Write a change to the newest snapshot with the slow part outside the writer lock.

        ``build(base, scratch)`` returns the Change for ``base`` (None: nothing to write); the
        new snapshot is then staged with its layout and rollups, lock-free. Under the lock the
        base is read again: still the newest, the staged directory is published (a rename);
        otherwise ``build`` runs again on the new newest. After ``attempts`` the last try
        runs wholly under the lock, so a writer always gets through.
        """
        for attempt in range(attempts):
            last = attempt == attempts - 1
            with contextlib.ExitStack() as held:
                if last:
                    held.enter_context(self.lock(timeout))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    base = self.latest()
                with files.scratch_dir(self.data_dir, "scratch-stage") as scratch:
                    change = build(base, scratch)
                    if change is None:
                        return None
                    self._check_id(change.snapshot_id)
                    tables = _with_base(base, change.tables)
                    staged = stage(scratch, tables, change.extra_files, base and base.path, change.touched)
                    with self.writing(timeout) as newest:
                        if (newest.snapshot_id if newest else None) != (base.snapshot_id if base else None):
                            continue  # another writer landed meanwhile: build again on the newest
                        return self._publish(
                            staged,
                            change.snapshot_id,
                            change.prefix,
                            change.as_of or dt.date.today(),
                            base.snapshot_id if base else None,
                            change.source,
                            bool(base and base.synthetic),
                        )
        raise StaleBase("the newest snapshot changed while this change was written under the lock")

    def delete(self, snapshot_id: str) -> None:
        """Remove one snapshot: its id is recorded as used, then it is renamed away and removed."""
        with self.lock():
            snap = self.get(snapshot_id)
            ids.tombstone(self.root, snapshot_id, snap.manifest.get("seq"))
            trash = self.root / f".trash-{snapshot_id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            os.rename(snap.path, trash)  # atomic: the snapshot is there whole, or gone
            files.fsync_dir(self.root)
            shutil.rmtree(trash, ignore_errors=True)
