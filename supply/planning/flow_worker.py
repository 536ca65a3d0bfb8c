"""OR-Tools' min-cost flow in a worker process, so that it never shares a process with highspy.

OR-Tools bundles its own ``libhighs.so.1`` (HiGHS 1.12) and links its graph module against
it; highspy ships another ``libhighs.so.1`` (1.15). The dynamic loader keeps one library
per soname, so whichever of the two is imported second fails with an undefined symbol.
The app and the MIP need highspy, so OR-Tools runs here, in a child process started once
per process and kept (a lock lets one request through at a time). A request is a pickled
dict of arrays; a cancelled request kills the worker, and the next one starts a new one.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import numpy as np


class FlowCancelled(RuntimeError):
    """The caller asked to stop (or the outer wall-clock guard ran out) during a flow solve."""


def _serve() -> None:
    """Worker loop: read a request from stdin, solve it, write the answer to stdout."""
    from ortools.graph.python import min_cost_flow

    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            req = pickle.load(inp)
        except EOFError:
            return
        cpu0 = time.process_time()
        try:
            mcf = min_cost_flow.SimpleMinCostFlow()
            arcs = mcf.add_arcs_with_capacity_and_unit_cost(
                req["tails"], req["heads"], req["caps"], req["costs"]
            )
            mcf.set_nodes_supplies(np.arange(len(req["supply"]), dtype=np.int32), req["supply"])
            status = mcf.solve()
            ok = status == mcf.OPTIMAL
            ans = {
                "status": status.name,
                "flows": np.asarray(mcf.flows(arcs), dtype=np.int64) if ok else None,
                "cost": int(mcf.optimal_cost()) if ok else None,
            }
        except Exception as exc:  # noqa: BLE001 - sent back to the caller as text
            ans = {"status": f"error: {exc!r}", "flows": None, "cost": None}
        ans["cpu"] = time.process_time() - cpu0
        pickle.dump(ans, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


class _Worker:
    """One child process serving flow requests."""

    def __init__(self):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from supply.planning.flow_worker import _serve; _serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def alive(self) -> bool:
        """True while the child runs."""
        return self.proc.poll() is None

    def kill(self) -> None:
        """End the child (a cancelled solve)."""
        self.proc.kill()
        self.proc.wait()

    def ask(self, req: dict, should_stop: Callable[[], bool] | None, deadline: float | None) -> dict:
        """Send one request and wait for its answer, polling ``should_stop`` and the deadline."""
        pickle.dump(req, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()
        fd = self.proc.stdout.fileno()
        while not select.select([fd], [], [], 0.05)[0]:
            if (should_stop is not None and should_stop()) or (
                deadline is not None and time.perf_counter() > deadline
            ):
                self.kill()
                raise FlowCancelled("flow solve stopped")
            if not self.alive():
                raise RuntimeError("the flow worker died")
        return pickle.load(self.proc.stdout)


_lock = threading.Lock()
_worker: _Worker | None = None
_cpu = [0.0]  # CPU seconds the worker spent solving for this process


def worker_cpu_seconds() -> float:
    """CPU seconds the flow worker has spent on this process's requests (for benchmarks)."""
    return _cpu[0]


def prepare() -> None:
    """Start the worker now (it takes a moment to load OR-Tools), so the first solve does not wait."""
    global _worker
    with _lock:
        if _worker is None or not _worker.alive():
            _worker = _Worker()


def solve_flow(
    tails: np.ndarray,
    heads: np.ndarray,
    caps: np.ndarray,
    costs: np.ndarray,
    supply: np.ndarray,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> tuple[np.ndarray, int]:
    """Min-cost flow with integer costs: (flow per arc, total cost). Raises on no optimum.

    Parameters
    ----------
    tails, heads : int32 arrays, one entry per arc (nodes 0..len(supply)-1)
    caps, costs : int64 arrays, capacity and cost per unit of each arc
    supply : int64 array, one entry per node (positive: source, negative: sink), summing to 0
    should_stop : callable, optional
        Polled every 50 ms; True stops the solve (raises FlowCancelled).
    deadline : float, optional
        ``time.perf_counter()`` value after which the solve is stopped (outer guard only).

    Examples
    --------
    >>> solve_flow(np.array([0], np.int32), np.array([1], np.int32), np.array([5]), np.array([2]),
    ...            np.array([3, -3]))[1]
    6
    """
    global _worker
    if (should_stop is not None and should_stop()) or (
        deadline is not None and time.perf_counter() > deadline
    ):
        raise FlowCancelled("flow solve stopped before it started")
    req = {
        "tails": np.ascontiguousarray(tails, dtype=np.int32),
        "heads": np.ascontiguousarray(heads, dtype=np.int32),
        "caps": np.ascontiguousarray(caps, dtype=np.int64),
        "costs": np.ascontiguousarray(costs, dtype=np.int64),
        "supply": np.ascontiguousarray(supply, dtype=np.int64),
    }
    with _lock:
        if _worker is None or not _worker.alive():
            _worker = _Worker()
        try:
            ans = _worker.ask(req, should_stop, deadline)
        except (BrokenPipeError, EOFError, pickle.UnpicklingError) as exc:
            _worker.kill()
            _worker = None
            raise RuntimeError(f"the flow worker failed: {exc!r}") from exc
    _cpu[0] += float(ans.get("cpu", 0.0))
    if ans["flows"] is None:
        raise RuntimeError(f"min-cost flow not solved: {ans['status']}")
    return ans["flows"], ans["cost"]
