"""Snapshot ids and the write sequence: numbers never reused, pruned ids kept as tombstones (issue 16).

``snapshots/.seq`` holds the last sequence number given out; ``snapshots/.pruned`` one line
per removed snapshot (id, tab, its sequence number), so neither an id nor a number is ever
used twice, not even after prune. All three functions are called with the writer lock held.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from supply.data import files


def pruned(root: Path) -> dict[str, int]:
    """Ids of removed snapshots and their sequence numbers (they are never used again)."""
    out = {}
    with contextlib.suppress(FileNotFoundError):
        for line in (root / ".pruned").read_text(encoding="utf-8").splitlines():
            sid, _, seq = line.partition("\t")
            if sid:
                out[sid] = int(seq) if seq.strip().isdigit() else -1
    return out


def next_seq(root: Path, seqs_on_disk: Callable[[], Iterable[object]]) -> int:
    """The next write sequence number, persisted before it is used (lock held)."""
    path = root / ".seq"
    try:
        last = int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):  # first write, or the file was lost: rebuild from what is left
        seqs = list(seqs_on_disk()) + list(pruned(root).values())
        last = max([q for q in seqs if isinstance(q, int)] + [len(seqs)])
    files.atomic_write(path, f"{last + 1}\n".encode("ascii"))
    return last + 1


def taken(root: Path, snapshot_id: str) -> str | None:
    """Why ``snapshot_id`` cannot be used (it exists, or a pruned snapshot had it), or None."""
    if (root / snapshot_id).exists():
        return f"snapshot {snapshot_id!r} exists already; snapshots are immutable"
    if snapshot_id in pruned(root):
        return f"snapshot id {snapshot_id!r} was used by a pruned snapshot; ids are never reused"
    return None


def tombstone(root: Path, snapshot_id: str, seq: object) -> None:
    """Record a snapshot's id and number as used before the snapshot is removed (fsynced)."""
    # a fresh line each time: a line torn by a crash never swallows the next id
    line = f"\n{snapshot_id}\t{seq if seq is not None else ''}\n".encode()
    with open(root / ".pruned", "ab") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
