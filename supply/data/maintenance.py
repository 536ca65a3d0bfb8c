"""`python -m supply prune --keep N [--yes]`: remove old snapshots, only on request.

Retention keeps everything by default: nothing is deleted unless this command is run
with ``--keep N`` and ``--yes``. Without ``--yes`` it only lists what it would remove.
The newest snapshot is never removed (``--keep`` is at least 1).
"""

from __future__ import annotations

import argparse
import sys

from supply.cli import command
from supply.data.store import Snapshot, Store


def prune_plan(store: Store, keep: int) -> list[Snapshot]:
    """The snapshots that ``prune --keep keep`` would remove: all but the ``keep`` newest."""
    if keep < 1:
        raise ValueError("--keep must be at least 1: the newest snapshot is never removed")
    snaps = store.list()
    return snaps[:-keep] if len(snaps) > keep else []


def prune(store: Store, keep: int) -> list[str]:
    """Remove all but the ``keep`` newest snapshots; return the removed ids."""
    from supply.ingest.pipeline import ingest_lock

    removed = []
    with ingest_lock(store):  # no upload is merging from a snapshot while it goes
        for snap in prune_plan(store, keep):
            store.delete(snap.snapshot_id)
            removed.append(snap.snapshot_id)
    return removed


@command("prune", "remove old snapshots, keeping the N newest (lists only, unless --yes)")
def _prune(p: argparse.ArgumentParser):
    p.add_argument(
        "--keep", type=int, required=True, metavar="N", help="how many of the newest snapshots to keep (>= 1)"
    )
    p.add_argument("--yes", action="store_true", help="really delete (without it, only list)")

    def run(args) -> int:
        store = Store(args.data)
        try:
            plan = prune_plan(store, args.keep)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        kept = len(store.list()) - len(plan)
        if not plan:
            print(f"nothing to remove: {kept} snapshot(s), keeping {args.keep}")
            return 0
        for snap in plan:
            print(
                f"{'removing' if args.yes else 'would remove'} {snap.snapshot_id}\tas_of {snap.as_of}"
                f"\tcreated {snap.created_at}"
            )
        if not args.yes:
            print(f"dry run: {len(plan)} snapshot(s) would be removed, {kept} kept; add --yes to remove them")
            return 0
        removed = prune(store, args.keep)
        print(f"removed {len(removed)} snapshot(s); {len(store.list())} kept")
        return 0

    return run
