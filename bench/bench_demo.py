"""Benchmark the demo generator: wall, CPU and peak memory per scale, beside an earlier generator.

Usage::

    .venv/bin/python bench/bench_demo.py                       # scale 5, new vs baseline
    .venv/bin/python bench/bench_demo.py --scales 5 50 --baseline-scales 5
    .venv/bin/python bench/bench_demo.py --scales 500 --baseline-scales --out /tmp/demo500

Each build runs in its own child process under ``/usr/bin/time -v`` (wall, user + system CPU,
peak RSS), ``python -m supply demo --scale S --out DIR`` for the current generator. The
baseline is the generator of an earlier commit (``--baseline``, default the last commit
before the vectorised one), read from git and run on the current Store in the same way, so
the ratio compares generators, not machines. The machine's load average is recorded before
and after every run: on a shared machine the wall time depends on it far more than the CPU
time does. Results go to bench/results/demo.json and .md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, report  # noqa: E402
from supply.data.store import Store  # noqa: E402

BASELINE_COMMIT = "d457dab"  # the generator before the vectorised rewrite (generate.py, 503 lines)
_BASELINE_RUNNER = """
import sys, types
from pathlib import Path
from supply.data.store import Store
source = Path(sys.argv[1]).read_text(encoding="utf-8")
module = types.ModuleType("supply.demo._baseline")
sys.modules[module.__name__] = module
exec(compile(source, "baseline_generate.py", "exec"), module.__dict__)
module.build(Store(sys.argv[2]), scale=float(sys.argv[3]), seed=42)
"""


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def _timed(cmd: list[str]) -> dict:
    """Run ``cmd`` under /usr/bin/time -v; return wall, CPU and peak RSS (raises on failure)."""
    before = _loadavg()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")

    def field(label: str) -> str:
        return re.search(rf"{re.escape(label)}: (.+)", done.stderr).group(1).strip()

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall_s = sum(float(x) * 60**i for i, x in enumerate(reversed(wall)))
    cpu_s = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {
        "wall_s": round(wall_s, 1),
        "cpu_s": round(cpu_s, 1),
        "cpu_share": field("Percent of CPU this job got"),
        "peak_rss_mib": round(int(field("Maximum resident set size (kbytes)")) / 1024),
        "load_before": before,
        "load_after": _loadavg(),
    }


def _rows(out: Path) -> str:
    snaps = Store(out).list()
    if not snaps:
        return ""
    t = snaps[-1].tables
    return f"orders {t['orders']['rows']:,}, capacity {t['capacity']['rows']:,}, factories {t['factories']['rows']:,}"


def run_current(scale: float, out: Path) -> dict:
    """Build the demo with the current generator into ``out`` (which must not exist)."""
    cmd = [sys.executable, "-m", "supply", "demo", "--scale", f"{scale:g}", "--out", str(out)]
    return {"generator": "current", "scale": scale, **_timed(cmd), "rows (last snapshot)": _rows(out)}


def run_baseline(scale: float, out: Path, commit: str) -> dict:
    """Build the demo with the generator of ``commit`` (read from git) into ``out``."""
    source = subprocess.run(
        ["git", "show", f"{commit}:supply/demo/generate.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as fh:
        fh.write(source)
    try:
        cmd = [sys.executable, "-c", _BASELINE_RUNNER, fh.name, str(out), f"{scale:g}"]
        return {
            "generator": f"baseline {commit}",
            "scale": scale,
            **_timed(cmd),
            "rows (last snapshot)": _rows(out),
        }
    finally:
        os.unlink(fh.name)


def main() -> None:
    """Run the benchmark and write bench/results/demo.{json,md}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="*", default=[5.0])
    ap.add_argument("--baseline-scales", type=float, nargs="*", default=None, help="default: --scales")
    ap.add_argument("--baseline", default=BASELINE_COMMIT)
    ap.add_argument("--out", type=Path, default=None, help="keep the current build of the last scale here")
    args = ap.parse_args()
    baseline_scales = args.scales if args.baseline_scales is None else args.baseline_scales
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        for scale in args.scales:
            keep = args.out if args.out is not None and scale == args.scales[-1] else None
            out = keep or Path(tmp) / f"current-{scale:g}"
            if keep is not None and keep.exists():
                raise SystemExit(f"{keep} exists; remove it or choose another --out")
            rows.append(run_current(scale, out))
            if keep is None:
                shutil.rmtree(out, ignore_errors=True)
            if scale in baseline_scales:
                base = run_baseline(scale, Path(tmp) / f"baseline-{scale:g}", args.baseline)
                base["ratio wall (baseline/current)"] = round(
                    base["wall_s"] / max(rows[-1]["wall_s"], 0.1), 1
                )
                base["ratio cpu (baseline/current)"] = round(base["cpu_s"] / max(rows[-1]["cpu_s"], 0.1), 1)
                rows.append(base)
                shutil.rmtree(Path(tmp) / f"baseline-{scale:g}", ignore_errors=True)
    mem = Path("/proc/meminfo").read_text().splitlines()[0]
    report("demo", rows, meta={"cores": os.cpu_count(), "memory": mem, "baseline_commit": args.baseline})


if __name__ == "__main__":
    main()
