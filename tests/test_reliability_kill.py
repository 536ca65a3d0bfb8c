"""Issue 16: kill -9 writers (uploads, calendar edits, prunes) at random moments, at least 200
times; after each kill the next start finds 0 corrupt snapshots, 0 lost changes, 0 debris."""

from __future__ import annotations

import random
import signal
import time

import pytest

from tests.ingest_helpers import copy_store
from tests.reliability_helpers import (
    context,
    corrupt,
    debris,
    do_edit,
    do_prune,
    do_start,
    do_upload,
    free_keys,
    values,
)

KILLS = 200
# A safety stop on a very loaded machine. The loop takes ~2.5 minutes on a quiet one, 6 under load; at 600 s
# it stopped short of 200 kills once, beside a scale-500 demo build, and failed on the count.
BUDGET_SECONDS = 1200


def _kill_at(proc, delay: float) -> bool:
    """SIGKILL the writer after ``delay`` seconds unless it finished; True when it was killed."""
    proc.join(timeout=delay)
    if proc.exitcode is not None:
        return False
    # Process.kill ignores a writer that exited in between: the forkserver, not pytest, reaps its
    # children, so a bare os.kill raced with that and failed once with ProcessLookupError (in CI).
    proc.kill()
    proc.join(timeout=60)
    return proc.exitcode == -signal.SIGKILL


@pytest.mark.slow
def test_kill_9_writers_200_times_loses_and_corrupts_nothing_and_leaves_no_debris(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    data = str(store.data_dir)
    keys = free_keys(store)
    rng = random.Random(16)
    ctx = context()
    committed: dict[tuple, int] = {}  # every change seen in the newest snapshot, or reported done
    tried: dict[tuple, int] = {}
    kills = {"upload": 0, "edit": 0, "prune": 0}
    done = {"upload": 0, "edit": 0, "prune": 0}
    durations = {}
    for kind, target in (("upload", do_upload), ("edit", do_edit), ("prune", do_prune)):  # how long, unkilled
        t0 = time.monotonic()
        args = (data, 2) if kind == "prune" else (data, keys[len(durations)], keys[len(durations)][3] + 999)
        proc = ctx.Process(target=target, args=args)
        proc.start()
        proc.join(timeout=120)
        assert proc.exitcode == 0, kind
        durations[kind] = time.monotonic() - t0
    committed.update({k[:3]: k[3] + 999 for k in keys[:2]})
    killed_after_commit = 0
    started, i = time.monotonic(), 2
    while sum(kills.values()) < KILLS and time.monotonic() - started < BUDGET_SECONDS:
        kind = rng.choice(["upload", "upload", "edit", "edit", "prune"])
        key = keys[i % len(keys)]
        value = key[3] + 1000 + i
        i += 1
        if kind == "prune":
            proc = ctx.Process(target=do_prune, args=(data, 2))
        else:
            tried[key[:3]] = value
            proc = ctx.Process(target=do_upload if kind == "upload" else do_edit, args=(data, key, value))
        t0 = time.monotonic()
        proc.start()
        killed = _kill_at(proc, rng.uniform(0.0, 1.2 * durations[kind]))
        if killed:
            kills[kind] += 1
            durations[kind] *= 1.03  # kill a little later next time: every stage of a write gets hit
        else:
            assert proc.exitcode == 0, (kind, proc.exitcode)
            done[kind] += 1
            durations[kind] = 0.7 * durations[kind] + 0.3 * (time.monotonic() - t0)
            if kind != "prune":
                committed[key[:3]] = value
        # the next start: a new process opens the store and cleans what the dead writer left
        start = ctx.Process(target=do_start, args=(data,))
        start.start()
        start.join(timeout=60)
        assert start.exitcode == 0
        assert debris(store) == [], f"after kill {sum(kills.values())} ({kind})"
        assert corrupt(store) == [], f"after kill {sum(kills.values())} ({kind})"
        now = values(store)
        for k, v in tried.items():  # a killed writer's change counts as committed once it is visible
            if now.get(k) == v and k not in committed:
                committed[k] = v
                killed_after_commit += killed
        lost = {k: (v, now.get(k)) for k, v in committed.items() if now.get(k) != v}
        assert not lost, f"after kill {sum(kills.values())} ({kind}): lost {lost}"
    print(
        f"kill loop: {sum(kills.values())} kills {kills}, {done} finished, {len(committed)} changes kept "
        f"({killed_after_commit} by writers killed after their commit), 0 corrupt, 0 lost, 0 debris, "
        f"{time.monotonic() - started:.0f} s"
    )
    assert sum(kills.values()) >= KILLS, (kills, done)
    assert len(committed) >= 20 and done["prune"] >= 1  # kills landed before, during and after commits
