"""Benchmark: ingest a large capacity CSV (default 1M rows) with `python -m supply ingest`.

Each case runs in a fresh child process on a private copy of the demo store, so the
wall time and the peak resident memory (ru_maxrss of that process) belong to one
ingest alone: read in batches, check every row, merge by key, write the snapshot.
Memory should stay bounded as the file grows (compare the row counts).

    .venv/bin/python bench/bench_ingest.py --scale 1 --rows 1000000

``--upload-mb 195 --old-code DIR`` instead measures one large upload (issue 16, finding 6)
the way the Data page handles it (``app``: the page itself run by AppTest, so the measuring
process plays the Streamlit server's part; ``page``: read + validate in the calling process,
the old page path), the way the worker does it (``worker.read_file``: the calling
process only receives the result) and through the CLI, for the code in DIR (a checkout
from before) and for this tree. The calling process's own peak RSS is reported apart
from its children's (the worker)::

    git archive HEAD~5 | tar -x -C /tmp/old
    .venv/bin/python bench/bench_ingest.py --scale 0.05 --upload-mb 195 --old-code /tmp/old
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, demo_store, report  # noqa: E402
from supply.data import schema  # noqa: E402

CHILD = """
import json, resource, sys, time
from supply.cli import main
t0 = time.perf_counter()
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - t0, "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""


def write_capacity_csv(path: Path, factory_ids: list[str], rows: int, start: dt.date) -> None:
    """A capacity upload with ``rows`` distinct keys (factory x category x week), Chinese headers."""
    cats = list(schema.CATEGORIES)
    weeks = -(-rows // (len(factory_ids) * len(cats)))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["工厂编号", "周", "品类", "产能（件）", "已接单"])
        n = 0
        for w in range(weeks):
            week = (start + dt.timedelta(weeks=w)).isoformat()
            for i, fid in enumerate(factory_ids):
                for j, cat in enumerate(cats):
                    if n == rows:
                        return
                    cap = 200 + (i * 37 + j * 11 + w * 7) % 1800
                    out.writerow([fid, week, cat, cap, cap * ((i + w) % 10) // 10])
                    n += 1


def run_case(store_dir: Path, csv_path: Path, batch_rows: int) -> dict:
    """Ingest once in a child process; return time, peak RSS and the exit code."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=store_dir.parent) as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(store_dir, data)
        cmd = [
            sys.executable,
            "-c",
            CHILD,
            "ingest",
            "capacity",
            str(csv_path),
            "--data",
            str(data),
            "--lang",
            "en",
            "--batch-rows",
            str(batch_rows),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        stats = json.loads(proc.stderr.strip().splitlines()[-1])
        if stats["code"] != 0:
            raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-2000:])
        return {
            "ingest_s": round(stats["seconds"], 2),
            "process_s": round(wall, 2),
            "peak_rss_mb": round(stats["peak_rss_mb"], 1),
        }


UPLOAD_CHILD = """
import json, resource, sys, time
from pathlib import Path
mode, table, path, data_dir = sys.argv[1:5]
t0 = time.perf_counter()
out = {}
try:
    from supply.data.store import Store
    from supply.ingest import pipeline as ingest
    store = Store(data_dir)
    if mode == "page":
        read = ingest.read_upload(Path(path).name, Path(path).read_bytes())
    else:
        from supply.ingest import worker
        read = worker.read_file(Path(path).name, Path(path))
    mapping = ingest.suggest_mapping(table, read.headers)
    v = ingest.validate(table, read, mapping, base_snapshot=store.latest())
    out = {"rows_in": v.rows_in, "rows_ok": v.rows_ok, "rows_bad": v.rows_bad}
except Exception as exc:
    out = {"error": f"{type(exc).__name__}: {exc}"[:200]}
ru = resource.getrusage
out.update(seconds=round(time.perf_counter() - t0, 1),
           self_peak_mb=round(ru(resource.RUSAGE_SELF).ru_maxrss / 1024),
           children_peak_mb=round(ru(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
print(json.dumps(out), file=sys.stderr)
"""


APP_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
path, data_dir, root = sys.argv[1:4]
os.environ["SUPPLY_DATA"] = data_dir
os.chdir(root)
sys.path.insert(0, root)
from streamlit.testing.v1 import AppTest

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024)

t0 = time.perf_counter()
at = AppTest.from_file("dashboard.py", default_timeout=3600)
at.session_state["lang"] = "en"
at.session_state["view_as_role"] = "admin"
at.run()
at.switch_page("app_pages/data_upload.py")
at.run()
at.selectbox(key="upload_table").set_value("capacity").run()
out = {"rss_before_upload_mb": rss()}
data = Path(path).read_bytes()  # the bytes the server receives from the browser
at.file_uploader(key="upload_file").upload(Path(path).name, data, "text/csv")
del data
at.run()
out["rss_after_upload_mb"] = rss()
at.button(key="upload_validate").click().run()
ru = resource.getrusage
out.update(
    metrics={m.label: m.value for m in at.metric},
    errors=[e.value for e in at.error][:2],
    exceptions=[e.value for e in at.exception][:2],
    held_bytes=at.session_state["upload_held_bytes"] if "upload_held_bytes" in at.session_state else None,
    seconds=round(time.perf_counter() - t0, 1),
    rss_end_mb=rss(),
    self_peak_mb=round(ru(resource.RUSAGE_SELF).ru_maxrss / 1024),
    children_peak_mb=round(ru(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    cpu_self_s=round(ru(resource.RUSAGE_SELF).ru_utime + ru(resource.RUSAGE_SELF).ru_stime, 1),
    cpu_children_s=round(ru(resource.RUSAGE_CHILDREN).ru_utime + ru(resource.RUSAGE_CHILDREN).ru_stime, 1),
)
print(json.dumps(out), file=sys.stderr)
"""


def run_upload(mode: str, code_dir: Path, store_dir: Path, csv_path: Path, timeout: float) -> dict:
    """One large upload in a fresh process (``mode`` page / worker / cli) with the code in ``code_dir``."""
    with tempfile.TemporaryDirectory(prefix="bench-upload-", dir=store_dir.parent) as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(store_dir, data)
        if mode == "cli":
            args = [CHILD, "ingest", "capacity", str(csv_path), "--data", str(data), "--lang", "en"]
        elif mode == "app":  # the Data page itself, run by AppTest in this process (the server's role)
            args = [APP_CHILD, str(csv_path), str(data), str(code_dir)]
        else:
            args = [UPLOAD_CHILD, mode, "capacity", str(csv_path), str(data)]
        env = {**os.environ, "PYTHONPATH": str(code_dir)}
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", *args],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timeout after {timeout:.0f} s"}
        wall = round(time.perf_counter() - t0, 1)
        lines = [x for x in proc.stderr.strip().splitlines() if x.startswith("{")]
        stats = json.loads(lines[-1]) if lines else {"error": proc.stderr[-300:]}
        if mode == "cli":
            stats = {
                "exit": stats["code"],
                "self_peak_mb": round(stats["peak_rss_mb"]),
                "children_peak_mb": round(stats.get("children_peak_mb", 0)),
            }
        return {"wall_s": wall, **stats}


def _server_pid(port: str) -> int | None:
    """The pid of the ``streamlit run`` process serving on ``port``."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--server.port" in cmd and port.encode() in cmd and any(b"streamlit" in c for c in cmd):
                return int(proc.name)
    return None


def _status_mb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024)
    return 0


def run_browser(store_dir: Path, csv_path: Path, timeout: float) -> dict:
    """One real upload: ``streamlit run`` + headless chromium; the server's RSS sampled throughout."""
    import threading

    from supply.i18n import t
    from tests.browser import choose, chromium, open_page, serve, wait_for_app

    with tempfile.TemporaryDirectory(prefix="bench-upload-", dir=store_dir.parent) as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(store_dir, data)
        out: dict = {}
        with serve(data) as url, chromium() as page:
            pid = _server_pid(url.rsplit(":", 1)[1])
            samples, stop, phase = [], threading.Event(), ["upload"]

            def sample():
                while not stop.is_set():
                    samples.append((phase[0], _status_mb(pid, "VmRSS")))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample, daemon=True)
            t0 = time.perf_counter()
            try:
                page.goto(url)
                wait_for_app(page)
                choose(page, t("app.view_as", "zh"), t("role.admin", "zh"))
                open_page(page, "data_upload")
                box = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("upload.table", "zh"))
                field = box.locator('input[role="combobox"]').first
                if field.input_value() != t("upload.table.capacity", "zh"):
                    field.click()
                    field.fill(t("upload.table.capacity", "zh"))
                    page.keyboard.press("Enter")
                    page.wait_for_timeout(500)
                    wait_for_app(page)
                assert field.input_value() == t("upload.table.capacity", "zh"), field.input_value()
                out["server_rss_before_mb"] = _status_mb(pid, "VmRSS")
                sampler.start()
                page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
                    str(csv_path)
                )
                page.get_by_text("已收到文件").first.wait_for(timeout=timeout * 1000)  # upload.saved: on disk
                out["server_rss_saved_mb"] = _status_mb(pid, "VmRSS")
                page.get_by_text("编码：utf-8").first.wait_for(timeout=timeout * 1000)  # read_info: inspected
                wait_for_app(page, timeout_ms=timeout * 1000)
                out["server_rss_inspected_mb"] = _status_mb(pid, "VmRSS")
                phase[0] = "validate"
                page.get_by_role("button", name="校验").click()
                page.wait_for_timeout(500)
                page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=timeout * 1000)
                wait_for_app(page, timeout_ms=timeout * 1000)
                out["metrics"] = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
                out["server_rss_end_mb"] = _status_mb(pid, "VmRSS")
            finally:
                stop.set()
                for name in ("upload", "validate"):  # the server's peak while receiving, while checking
                    out[f"server_rss_peak_{name}_mb"] = max((mb for p, mb in samples if p == name), default=0)
                out["server_vmhwm_mb"] = _status_mb(pid, "VmHWM")
                cpu = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                tick = os.sysconf("SC_CLK_TCK")
                out["server_cpu_s"] = round((int(cpu[11]) + int(cpu[12])) / tick, 1)
                out["server_children_cpu_s"] = round((int(cpu[13]) + int(cpu[14])) / tick, 1)
                out["wall_s"] = round(time.perf_counter() - t0, 1)
        return out


def upload_bench(args) -> None:
    """Issue 16 finding 6: one ~``--upload-mb`` MB CSV, old code vs this tree, page path vs worker."""
    store = demo_store(args.scale)
    base = store.latest()
    factory_ids = store.read(base.snapshot_id, "factories")["factory_id"].to_list()
    start = base.as_of - dt.timedelta(days=base.as_of.weekday())
    rows = int(args.upload_mb * 1e6 / 47)  # ~47 bytes a row with these headers and ids
    results = []
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-upload-csv-") as tmp:
        path = Path(tmp) / "capacity-large.csv"
        write_capacity_csv(path, factory_ids, rows, start)
        size_mb = round(path.stat().st_size / 1e6, 1)
        print(f"  {rows:,} rows, {size_mb} MB; load {os.getloadavg()}", flush=True)
        trees = [("before", Path(args.old_code))] if args.old_code else []
        trees.append(("after", ROOT))
        for label, code in trees:
            for mode in args.modes:
                if label == "before" and mode in ("worker", "app", "browser"):
                    continue  # no worker in the old code; its page is measured by "page"
                if mode == "browser":
                    case = run_browser(store.data_dir, path, args.timeout)
                else:
                    case = run_upload(mode, code, store.data_dir, path, args.timeout)
                print(f"  {label} {mode}: {case}", flush=True)
                results.append({"code": label, "path": mode, "file_mb": size_mb, "rows": rows, **case})
    report(
        args.area,
        results,
        meta={
            "scale": args.scale,
            "loadavg_start": load_start,
            "loadavg_end": os.getloadavg(),
            "old_code": args.old_code,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale of the store ingested into")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--batch-rows", type=int, default=100_000)
    parser.add_argument("--upload-mb", type=float, help="measure one upload of this size (issue 16)")
    parser.add_argument("--old-code", help="a checkout of the code before, for --upload-mb")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--area", default="ingest_upload", help="results name for --upload-mb")
    parser.add_argument(
        "--modes",
        nargs="+",
        default=["browser", "page", "worker", "cli"],
        help="browser: a real upload through streamlit run + chromium (the server's RSS sampled); "
        "app: the Data page run by AppTest; page: read + validate in the calling "
        "process (the old page path); worker: worker.read_file; cli: python -m supply ingest",
    )
    args = parser.parse_args()
    if args.upload_mb:
        upload_bench(args)
        return
    store = demo_store(args.scale)
    base = store.latest()
    factory_ids = store.read(base.snapshot_id, "factories")["factory_id"].to_list()
    start = base.as_of - dt.timedelta(days=base.as_of.weekday())
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-csv-") as tmp:
        for rows in args.rows:
            path = Path(tmp) / f"capacity-{rows}.csv"
            write_capacity_csv(path, factory_ids, rows, start)
            print(f"  ingesting {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB)…", flush=True)
            case = run_case(store.data_dir, path, args.batch_rows)
            results.append(
                {
                    "rows": rows,
                    "file_mb": round(path.stat().st_size / 1e6, 1),
                    "batch_rows": args.batch_rows,
                    **case,
                    "rows_per_s": int(rows / case["ingest_s"]),
                }
            )
            path.unlink()
    report(
        "ingest",
        results,
        meta={
            "scale": args.scale,
            "base_capacity_rows": base.tables["capacity"]["rows"],
            "command": "python -m supply ingest capacity FILE",
        },
    )


if __name__ == "__main__":
    main()
