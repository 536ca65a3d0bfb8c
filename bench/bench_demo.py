"""Benchmark the demo build: wall, CPU, peak memory and the split of each, beside an earlier commit.

Usage::

    .venv/bin/python bench/bench_demo.py                                  # scale 5, current vs baseline
    .venv/bin/python bench/bench_demo.py --scales 5 50
    .venv/bin/python bench/bench_demo.py --scales 500 --baseline-scales --out /tmp/demo500new
    .venv/bin/python bench/bench_demo.py --scales --rollup /tmp/eng50/snapshots/demo-2026-06-29

Each build runs in its own child process under ``/usr/bin/time -v`` (wall, user + system CPU,
peak RSS): ``python -m supply demo --scale S --out DIR``, with the current tree, and with the
tree of an earlier commit (``--baseline``, default the commit before the demo computed its
rollups while generating), unpacked with ``git archive`` into a temporary directory and run on
its own code, so the ratio compares the two programs on the same machine. The split (generation,
rollups, hashing, commit) is read from the progress lines: their arrival time for both (wall),
and the CPU seconds the current build prints. ``--rollup SNAPSHOT_DIR`` times the SQL rollup
build (what ``python -m supply rollup`` and an upload run) of one snapshot with both trees.
The machine's load average is recorded before and after every run: on a shared machine the
wall time depends on it far more than the CPU time does. Results go to bench/results/demo.json/.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, report  # noqa: E402
from supply.data.store import Store  # noqa: E402

BASELINE_COMMIT = "1342eda"  # before the demo computed its rollups while generating (SQL rollups after)
_STAMP = re.compile(r"\[([\d.]+) s wall, ([\d.]+) s CPU\]")
_ROLLUP_RUNNER = """
import json, sys, tempfile, time
from pathlib import Path
from supply.data import rollups
snap = Path(sys.argv[1])
manifest = json.loads((snap / "manifest.json").read_text())
entries = {t: {**e, "file": str(snap / e["file"])} for t, e in manifest["tables"].items()}
with tempfile.TemporaryDirectory(dir=sys.argv[2]) as out:
    (Path(out) / rollups.ROLLUP_DIR).mkdir()
    t0 = time.perf_counter()
    built = rollups.build(Path(out), entries)
    print("rows", {n: e["rows"] for n, e in built.items()}, f"{time.perf_counter() - t0:.1f} s")
"""


def _loadavg() -> str:
    return str(Path("/proc/loadavg").read_text().split(" ", 3)[:3])


def _timed(cmd: list[str], tree: Path) -> dict:
    """Run ``cmd`` in ``tree`` under /usr/bin/time -v; return wall, CPU, peak RSS and the progress split."""
    before = _loadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-v", *cmd],
        cwd=tree,
        env=dict(os.environ, PYTHONPATH=str(tree)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = [(time.perf_counter() - t0, line.rstrip()) for line in proc.stdout]
    stderr = proc.stderr.read()
    if proc.wait() != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{stderr[-3000:]}")

    def field(label: str) -> str:
        return re.search(rf"{re.escape(label)}: (.+)", stderr).group(1).strip()

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    out = {
        "wall_s": round(sum(float(x) * 60**i for i, x in enumerate(reversed(wall))), 1),
        "cpu_s": round(float(field("User time (seconds)")) + float(field("System time (seconds)")), 1),
        "cpu_share": field("Percent of CPU this job got"),
        "peak_rss_mib": round(int(field("Maximum resident set size (kbytes)")) / 1024),
        "load_before": before,
        "load_after": _loadavg(),
    }
    out.update(_split(lines))
    return out


def _split(lines: list[tuple[float, str]]) -> dict:
    """Phases from the progress lines: generation until the tables are written (the old build
    says "hashing and committing" first), then per snapshot rollups / hashing / commit."""
    first_commit = next((t for t, line in lines if "snapshot demo-" in line), None)
    done = next((t for t, line in lines if line.startswith("wrote ")), None)
    split = {}
    if first_commit is not None and done is not None:
        split["generation_wall_s"] = round(first_commit, 1)
        split["commit_wall_s (rollups, hash, write)"] = round(done - first_commit, 1)
    stamps = [(line, _STAMP.search(line)) for _t, line in lines]
    cpu = {line.split("[")[0].strip(): float(m.group(2)) for line, m in stamps if m}
    if "tables written" in cpu:
        split["generation_cpu_s"] = cpu["tables written"]
        last = cpu["tables written"]
        parts = {"rollup files written": 0.0, "tables hashed": 0.0, "committed": 0.0}
        for label, value in cpu.items():
            for part in parts:
                if label.endswith(part):
                    parts[part] += value - last
                    last = value
        split["rollups_cpu_s (cells.write)"] = round(parts["rollup files written"], 1)
        split["hash_cpu_s"] = round(parts["tables hashed"], 1)
        split["store_write_cpu_s"] = round(parts["committed"], 1)
    return split


def _rows(out: Path) -> str:
    snaps = Store(out).list()
    if not snaps:
        return ""
    t = snaps[-1].tables
    return f"orders {t['orders']['rows']:,}, capacity {t['capacity']['rows']:,}, factories {t['factories']['rows']:,}"


def _tree(commit: str, into: Path) -> Path:
    """The source tree of ``commit``, unpacked with git archive (the shared working tree is untouched)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_build(label: str, tree: Path, scale: float, out: Path) -> dict:
    """Build the demo at ``scale`` with the code in ``tree`` into ``out`` (which must not exist)."""
    cmd = [sys.executable, "-m", "supply", "demo", "--scale", f"{scale:g}", "--out", str(out)]
    return {
        "case": f"demo --scale {scale:g}",
        "code": label,
        **_timed(cmd, tree),
        "rows (last snapshot)": _rows(out),
    }


def run_rollup(label: str, tree: Path, snapshot: Path, scratch: Path) -> dict:
    """The SQL rollup build of one snapshot (all four rollups, no parent) with the code in ``tree``."""
    cmd = [sys.executable, "-c", _ROLLUP_RUNNER, str(snapshot), str(scratch)]
    return {
        "case": f"rollup {snapshot.parent.parent.name}/{snapshot.name}",
        "code": label,
        **_timed(cmd, tree),
    }


def _ratio(base: dict, current: dict) -> None:
    base["ratio wall (baseline/current)"] = round(base["wall_s"] / max(current["wall_s"], 0.1), 1)
    base["ratio cpu (baseline/current)"] = round(base["cpu_s"] / max(current["cpu_s"], 0.1), 1)


def main() -> None:
    """Run the benchmark and write bench/results/demo.{json,md}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="*", default=[5.0])
    ap.add_argument("--baseline-scales", type=float, nargs="*", default=None, help="default: --scales")
    ap.add_argument("--baseline", default=BASELINE_COMMIT)
    ap.add_argument(
        "--rollup", type=Path, default=None, help="a snapshot directory to time the SQL rollups on"
    )
    ap.add_argument("--out", type=Path, default=None, help="keep the current build of the last scale here")
    args = ap.parse_args()
    baseline_scales = args.scales if args.baseline_scales is None else args.baseline_scales
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        base_tree = _tree(args.baseline, Path(tmp) / "baseline-tree")
        for scale in args.scales:
            keep = args.out if args.out is not None and scale == args.scales[-1] else None
            out = keep or Path(tmp) / f"current-{scale:g}"
            if keep is not None and keep.exists():
                raise SystemExit(f"{keep} exists; remove it or choose another --out")
            rows.append(run_build("current", ROOT, scale, out))
            if keep is None:
                shutil.rmtree(out, ignore_errors=True)
            if scale in baseline_scales:
                base = run_build(
                    f"baseline {args.baseline}", base_tree, scale, Path(tmp) / f"baseline-{scale:g}"
                )
                _ratio(base, rows[-1])
                rows.append(base)
                shutil.rmtree(Path(tmp) / f"baseline-{scale:g}", ignore_errors=True)
        if args.rollup is not None:
            rows.append(run_rollup("current", ROOT, args.rollup, Path(tmp)))
            base = run_rollup(f"baseline {args.baseline}", base_tree, args.rollup, Path(tmp))
            _ratio(base, rows[-1])
            rows.append(base)
    mem = Path("/proc/meminfo").read_text().splitlines()[0]
    report("demo", rows, meta={"cores": os.cpu_count(), "memory": mem, "baseline_commit": args.baseline})


if __name__ == "__main__":
    main()
