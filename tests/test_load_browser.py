"""Load test (issue 16): N = 10 and 20 browser sessions at once against one `streamlit run`.

Each session, in its own thread with its own headless chromium (``tests/browser.py``),
opens the Overview of the tiny demo and waits for its figures, then changes a widget
(the demo "view as" role, with ``choose``) and waits for the rerun. Reported per N: the sessions' p50/p95
wall times of both steps, the failures (an exception on the page or a timeout), and the
server's own CPU time (``/proc/<pid>/stat`` of the streamlit process, before and after
each step) divided by the reruns it served, apart from the CPU the browsers used. The
test asserts no failure and a generous bound on p95; the figures go to
``bench/results/load_browser.json`` (speed is judged there, not by the bound).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from supply.i18n import t
from tests.browser import choose, chromium, exceptions, have_chromium, serve, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load_browser.json"
# Generous: 20 chromiums and the server share two cores here, and the shared test machine
# ran at a load average of 30-60 (the 20-session p95 was 260 s there, the server's own CPU
# 0.6 s a session). The server's CPU per rerun is the figure that does not depend on load.
P95_BOUND_S = 480.0
TIMEOUT_MS = 600_000  # per step
SERVER_CPU_BOUND_S = 5.0  # per session and step
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (the browsers and Playwright's driver under this test)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        todo += kids
    return out


def _server_pid(url: str) -> int:
    """The pid of the `streamlit run` serving ``url`` (found by its --server.port argument)."""
    port = url.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            b"run" in cmd
            and b"--server.port" in cmd
            and cmd[cmd.index(b"--server.port") + 1] == port.encode()
        ):
            return int(entry.name)
    raise LookupError(f"no streamlit process on port {port}")


def _session(url: str, start, turn, done, out: dict) -> None:
    """One user: open the Overview, wait at the barrier, change the role, record the times."""
    passed = []  # the barriers this session has reached, so a failure does not stop the others
    try:
        with chromium() as page:
            page.set_default_timeout(TIMEOUT_MS)
            start.wait(timeout=600)
            passed.append(start)
            t0 = time.perf_counter()
            page.goto(url)
            wait_for_app(page, TIMEOUT_MS)
            page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")
            out["open_s"] = time.perf_counter() - t0
            out["errors"] = exceptions(page)
            turn.wait(timeout=900)
            passed.append(turn)
            t0 = time.perf_counter()
            label = t("app.view_as", "zh")
            box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
            shown = box.locator('input[role="combobox"]').first.input_value()
            other = next(r for r in ("planner", "association") if t(f"role.{r}", "zh") != shown)
            choose(page, label, t(f"role.{other}", "zh"))  # a real change: it waits for the rerun
            page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")
            out["change_s"] = time.perf_counter() - t0
            out["errors"] += exceptions(page)
            done.wait(timeout=900)  # browsers stay up until their CPU time has been read
            passed.append(done)
    except Exception as exc:  # a timeout or a crash is a failure of this session, counted
        out.setdefault("errors", []).append(f"{type(exc).__name__}: {str(exc)[:200]}")
        for barrier in (start, turn, done):
            if barrier not in passed:
                try:
                    barrier.wait(timeout=900)
                except threading.BrokenBarrierError:
                    pass


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 2)


def run_load(url: str, n: int) -> dict:
    """N sessions at once; the figures of one round."""
    server = _server_pid(url)
    me = os.getpid()
    start = threading.Barrier(n + 1)
    turn = threading.Barrier(n + 1)
    done = threading.Barrier(n + 1)
    outs = [{} for _ in range(n)]
    threads = [threading.Thread(target=_session, args=(url, start, turn, done, o), daemon=True) for o in outs]
    for th in threads:
        th.start()
    cpu = {}
    try:
        start.wait(timeout=600)  # every browser is up: only the app's work from here
        cpu["server0"], cpu["browsers0"] = _cpu_s(server), sum(_cpu_s(p) for p in _children(me))
        turn.wait(timeout=900)
        cpu["server1"], cpu["browsers1"] = _cpu_s(server), sum(_cpu_s(p) for p in _children(me))
        done.wait(timeout=900)
        cpu["server2"], cpu["browsers2"] = _cpu_s(server), sum(_cpu_s(p) for p in _children(me))
    except threading.BrokenBarrierError:
        pass
    for th in threads:
        th.join(timeout=900)
    cpu.setdefault("server2", _cpu_s(server))
    cpu.setdefault("browsers2", cpu.get("browsers1", 0.0))
    opened = [o["open_s"] for o in outs if "open_s" in o]
    changed = [o["change_s"] for o in outs if "change_s" in o]
    failures = [e for o in outs for e in o.get("errors", [])]
    server_open = cpu.get("server1", cpu["server2"]) - cpu.get("server0", 0)
    server_change = cpu["server2"] - cpu.get("server1", cpu["server2"])
    return {
        "sessions": n,
        "failures": len([o for o in outs if o.get("errors") or "change_s" not in o]),
        "open_p50_s": _pct(opened, 0.5),
        "open_p95_s": _pct(opened, 0.95),
        "change_p50_s": _pct(changed, 0.5),
        "change_p95_s": _pct(changed, 0.95),
        "server_cpu_per_open_s": round(server_open / n, 3),
        "server_cpu_per_change_s": round(server_change / n, 3),
        "browser_cpu_s": round(cpu["browsers2"] - cpu.get("browsers0", 0), 1),
        "first_failures": failures[:3],
    }


def test_10_and_20_sessions_open_the_overview_and_change_a_widget(tiny_data):
    rows = []
    with serve(tiny_data, env={"SUPPLY_DEMO": "1"}) as url:
        with chromium() as page:  # warm the server's caches once, as a real server would be
            page.goto(url)
            wait_for_app(page)
        for n in (10, 20):
            load0 = os.getloadavg()
            row = run_load(url, n)
            row["loadavg_before"] = [round(x, 2) for x in load0]
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"area": "load_browser", "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "rows": rows},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )
    for row in rows:
        assert row["failures"] == 0, row
        assert row["open_p95_s"] < P95_BOUND_S and row["change_p95_s"] < P95_BOUND_S, row
        assert 0 < row["server_cpu_per_open_s"] < SERVER_CPU_BOUND_S, row
        assert 0 < row["server_cpu_per_change_s"] < SERVER_CPU_BOUND_S, row
