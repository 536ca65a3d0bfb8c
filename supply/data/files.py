"""File-system primitives of the snapshot store: hashes, fsync, atomic files, one writer lock,
scratch directories that name their owner, and cleaning what dead writers left behind.

Every writer of a data directory takes ``exclusive(<data>/snapshots/.lock)``. The lock is an
``flock`` (processes queue on it) and is re-entrant within one thread (a writer may call
another writer's code while it holds it); other threads of the same process queue too.

Scratch directories (``scratch_dir``) are named ``.<kind>-<pid>-<random>`` and hold an
``.owner`` file their creator keeps locked. ``owner_alive`` asks that lock (and, while the
file is not there yet, whether the pid runs), so a cleaner never removes a live writer's
directory and always removes a dead one's.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import fcntl
import hashlib
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

OWNER = ".owner"
_PID_RE = re.compile(r"-(\d+)-[0-9a-f]{8}$")
_TMP_FILE_RE = re.compile(r"^\..+\.(\d+)\.tmp$")
# Directories of snapshot writers: every one is made and removed while the store lock is held.
LOCKED_DEBRIS = (".tmp-", ".reserve-", ".trash-")
# Scratch directories of checks that run outside the lock (validation of an upload).
SCRATCH_DEBRIS = (".ingest", ".scratch-")
LEGACY_AGE = 3600.0  # a scratch directory with no owner and no pid (old code) after this long


_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("sha256_memo", default=None)


def _stat_key(path: Path) -> tuple:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@contextlib.contextmanager
def hash_memo() -> Iterator[None]:
    """While open, ``sha256_file`` hashes a file once: a hard link or a second call of the same
    unchanged file (same inode, size and mtime) gets the remembered digest (the demo's writer)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MB blocks (once per file inside ``hash_memo``)."""
    memo = _MEMO.get()
    key = _stat_key(path) if memo is not None else None
    if key is not None and key in memo:
        return memo[key]
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if key is not None:
        memo[key] = digest.hexdigest()
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    """Flush one file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (a rename in it) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file whole or not at all: temporary file, fsync, rename, fsync the directory."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


# -- the writer lock ---------------------------------------------------------------------------

_REGISTRY = threading.Lock()
_THREAD_LOCKS: dict[str, threading.RLock] = {}
_HELD: dict[str, list] = {}  # path -> [depth, file object holding the flock]


class LockTimeout(TimeoutError):
    """The writer lock stayed busy longer than the caller was willing to wait."""


def _rlock(key: str) -> threading.RLock:
    with _REGISTRY:
        return _THREAD_LOCKS.setdefault(key, threading.RLock())


def _acquire(path: Path, timeout: float | None) -> bool:
    key = str(path)
    rlock = _rlock(key)
    if not rlock.acquire(timeout=-1 if timeout is None else max(timeout, 0)):
        return False
    held = _HELD.get(key)
    if held is not None:  # this thread holds it already: one level deeper
        held[0] += 1
        return True
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+")  # noqa: SIM115 - kept open while the lock is held
    except BaseException:
        rlock.release()
        raise
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.close()
                    rlock.release()
                    return False
                time.sleep(0.02)
    except BaseException:
        fh.close()
        rlock.release()
        raise
    _HELD[key] = [1, fh]
    return True


def _release(path: Path) -> None:
    key = str(path)
    held = _HELD[key]
    held[0] -= 1
    if held[0] == 0:
        del _HELD[key]
        fcntl.flock(held[1].fileno(), fcntl.LOCK_UN)
        held[1].close()
    _rlock(key).release()


@contextlib.contextmanager
def exclusive(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock on ``path`` (re-entrant per thread); LockTimeout after ``timeout`` s."""
    if not _acquire(Path(path), timeout):
        raise LockTimeout(f"{path} is held by another writer; try again in a moment")
    try:
        yield
    finally:
        _release(Path(path))


@contextlib.contextmanager
def try_exclusive(path: Path) -> Iterator[bool]:
    """Take the lock if it is free right now; yields whether it was taken."""
    got = _acquire(Path(path), 0)
    try:
        yield got
    finally:
        if got:
            _release(Path(path))


# -- scratch directories and debris --------------------------------------------------------------


def pid_alive(pid: int) -> bool:
    """True when a process with this id runs (or cannot be asked: then assume it does)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_OWNED: dict[str, object] = {}  # scratch directory -> the open, locked .owner file


def new_scratch(parent: Path, kind: str) -> Path:
    """Make ``parent/.<kind>-<pid>-<random>`` and lock its ``.owner`` until ``drop_scratch``."""
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f".{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    try:
        fh = open(path / OWNER, "a+")  # noqa: SIM115 - the lock lives as long as the directory
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    _OWNED[str(path)] = fh
    return path


def drop_scratch(path: Path) -> None:
    """Remove a scratch directory made by ``new_scratch`` and release its owner lock."""
    shutil.rmtree(path, ignore_errors=True)
    fh = _OWNED.pop(str(path), None)
    if fh is not None:
        fh.close()


@contextlib.contextmanager
def scratch_dir(parent: Path, kind: str) -> Iterator[Path]:
    """A private directory ``parent/.<kind>-<pid>-<random>``, owned (locked) while in use, then removed."""
    path = new_scratch(parent, kind)
    try:
        yield path
    finally:
        drop_scratch(path)


def owner_alive(path: Path) -> bool:
    """Whether the process that made a scratch directory still uses it."""
    owner = path / OWNER
    try:
        fh = open(owner)  # noqa: SIM115
    except FileNotFoundError:
        m = _PID_RE.search(path.name)
        if m:
            return pid_alive(int(m.group(1)))
        try:  # old code named its directories without a pid: judge by age
            return time.time() - path.stat().st_mtime < LEGACY_AGE
        except FileNotFoundError:
            return False
    except OSError:
        return True
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return True
            raise
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def remove_debris(snapshots: Path, data_dir: Path) -> list[str]:
    """Remove what dead writers left; call with the writer lock held. Returns the names removed.

    Under the lock, every ``.tmp-``/``.reserve-``/``.trash-`` directory in ``snapshots`` belongs
    to a writer that died (a live one would hold the lock). Scratch directories of checks that
    run outside the lock go only when their owner is gone; so do ``.<name>.<pid>.tmp`` files.
    """
    removed = []
    for folder, prefixes in ((snapshots, LOCKED_DEBRIS), (data_dir, SCRATCH_DEBRIS)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            name = path.name
            m = _TMP_FILE_RE.match(name)
            if m and path.is_file():
                if not pid_alive(int(m.group(1))):
                    path.unlink(missing_ok=True)
                    removed.append(name)
                continue
            if prefixes is LOCKED_DEBRIS and name.startswith(".reserve-") and path.is_file():
                path.unlink(missing_ok=True)  # old code reserved ids with empty files
                removed.append(name)
                continue
            if not (name.startswith(prefixes) and path.is_dir()):
                continue
            if prefixes is SCRATCH_DEBRIS and owner_alive(path):
                continue
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(name)
    for snap_dir in snapshots.iterdir() if snapshots.is_dir() else []:  # a killed rollup rebuild
        if snap_dir.is_dir() and not snap_dir.name.startswith("."):
            for left in snap_dir.glob(".rollups-*"):
                shutil.rmtree(left, ignore_errors=True)
                removed.append(f"{snap_dir.name}/{left.name}")
            (snap_dir / "manifest.json.part").unlink(missing_ok=True)
    return removed
