"""Uploads read and checked in a child process with a time limit and a memory limit.

A hostile or merely huge file must not take the server (or the CLI) down with it: the
file is streamed to disk first (``save_upload``), then read, checked and committed in a
fresh process (``ingest_file``, ``read_file``). The parent polls the child's resident
memory and its age; past either limit the child is killed and ``IngestError``
(``worker_timeout`` / ``worker_memory``) names the limit. The child holds the ingest lock
itself, so a killed child releases it; the store's atomic write means nothing half-written
is ever visible. Errors inside the child come back as ``IngestError``, never a traceback.

Limits: ``SUPPLY_INGEST_SECONDS`` (default 900) and ``SUPPLY_INGEST_MB`` (default 3072),
or the arguments; an unreadable value is an error, not a silent default.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from supply.ingest.files import IngestError

DEFAULT_SECONDS = 900.0
DEFAULT_MB = 3072
_POLL_S = 0.1
_IN_WORKER = False  # set in the child: a worker reads in place and never starts another


def limits(seconds: float | None = None, mb: int | None = None) -> tuple[float, int]:
    """The time (s) and memory (MB) limits: arguments, else the environment, else the defaults."""
    out = []
    for value, env, default, cast in (
        (seconds, "SUPPLY_INGEST_SECONDS", DEFAULT_SECONDS, float),
        (mb, "SUPPLY_INGEST_MB", DEFAULT_MB, int),
    ):
        if value is None:
            text = os.environ.get(env, "").strip()
            try:
                value = cast(text) if text else default
            except ValueError:
                raise ValueError(f"{env}={text!r} is not a number") from None
        if value <= 0:
            raise ValueError(f"{env} must be positive, not {value}")
        out.append(value)
    return out[0], out[1]


def save_upload(src: BinaryIO, directory: Path, name: str = "upload", block: int = 1 << 20) -> Path:
    """Copy an uploaded file object to ``directory/name`` in blocks; return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / Path(name.replace("\\", "/")).name
    if hasattr(src, "seek"):
        src.seek(0)
    with open(path, "wb") as dst:
        shutil.copyfileobj(src, dst, block)
    return path


def _rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _child(conn, target: str, args: tuple, kwargs: dict, with_progress: bool) -> None:
    """Run ``module:function`` and send ("ok", result) or ("error", IngestError) back."""
    import importlib

    global _IN_WORKER
    _IN_WORKER = True
    try:
        module, _, name = target.partition(":")
        fn = getattr(importlib.import_module(module), name)
        if with_progress:
            kwargs["progress"] = lambda frac, msg: conn.send(("progress", (frac, msg)))
        conn.send(("ok", fn(*args, **kwargs)))
    except IngestError as exc:
        conn.send(("error", exc))
    except (ValueError, OSError) as exc:  # bad arguments or an unreadable path: said as they are
        conn.send(("error", IngestError("worker_failed", detail=f"{type(exc).__name__}: {exc}"[:300])))
    except BaseException as exc:  # noqa: BLE001 - a bug must still come back as a named error
        trace = traceback.format_exc(limit=6)
        detail = f"{type(exc).__name__}: {exc}"[:300]
        conn.send(("error", IngestError("worker_failed", detail=detail, trace=trace)))
    finally:
        conn.close()


def run(
    target: str,
    *args,
    seconds: float | None = None,
    mb: int | None = None,
    progress: Callable[[float, str], None] | None = None,
    **kwargs,
):
    """Call ``target`` ("package.module:function") in a child process under the limits.

    Returns what it returns (pickled back). ``progress`` receives the child's progress
    calls. Raises IngestError: the child's own, or ``worker_timeout`` / ``worker_memory``
    after killing it, or ``worker_failed`` when it died without an answer.
    """
    seconds, mb = limits(seconds, mb)
    ctx = mp.get_context("spawn")  # never fork a threaded server
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, target, args, kwargs, progress is not None), daemon=True)
    start = time.monotonic()
    proc.start()
    child.close()
    peak = 0.0
    try:
        while True:
            if parent.poll(_POLL_S):
                try:
                    kind, value = parent.recv()
                except EOFError:
                    break
                if kind == "progress":
                    if progress:
                        progress(*value)
                    continue
                proc.join(10)
                if kind == "error":
                    raise value
                return value
            peak = max(peak, _rss_mb(proc.pid))
            if peak > mb:
                raise IngestError("worker_memory", mb=mb)
            if time.monotonic() - start > seconds:
                raise IngestError("worker_timeout", seconds=f"{seconds:g}")
            if not proc.is_alive() and not parent.poll():
                break
        raise IngestError("worker_failed", detail=f"exit code {proc.exitcode}")
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join(10)
        parent.close()


def ingest_file(store, table: str, path, **options):
    """``supply.ingest.pipeline.ingest_file`` in a worker; ``seconds`` / ``mb`` set the limits."""
    seconds, mb = options.pop("seconds", None), options.pop("mb", None)
    progress = options.pop("progress", None)
    return run(
        "supply.ingest.pipeline:ingest_file",
        store,
        table,
        Path(path),
        seconds=seconds,
        mb=mb,
        progress=progress,
        **options,
    )


def read_file(filename: str, path, sheet: str | None = None, seconds: float | None = None, mb=None):
    """``read_upload`` of a file on disk, in a worker: the ReadResult, or a named IngestError."""
    return run("supply.ingest.read:read_upload", filename, Path(path), sheet, seconds=seconds, mb=mb)


IN_PROCESS_BYTES = 4 * 1024 * 1024  # smaller uploads are read in the caller: no process start


def read_upload(filename: str, data, sheet: str | None = None, seconds: float | None = None, mb=None):
    """``read_upload`` with the parsing of anything but a small upload done in a worker.

    Bytes above ``IN_PROCESS_BYTES`` are written to a private temporary file (in blocks)
    and read there by a child process under the time and memory limits, so a hostile or
    huge file costs the caller (the Streamlit server) only the resulting text frame.
    """
    import tempfile

    from supply.ingest.read import read_upload as read_here

    if _IN_WORKER:
        return read_here(filename, data if isinstance(data, (str, os.PathLike)) else bytes(data), sheet)
    if isinstance(data, (bytes, bytearray, memoryview)):
        if len(data) <= IN_PROCESS_BYTES:
            return read_here(filename, bytes(data), sheet)
        with tempfile.TemporaryDirectory(prefix="supply-upload-") as tmp:
            import io

            path = save_upload(io.BytesIO(data), Path(tmp), "upload" + Path(filename).suffix)
            return read_file(filename, path, sheet, seconds, mb)
    return read_file(filename, Path(data), sheet, seconds, mb)
