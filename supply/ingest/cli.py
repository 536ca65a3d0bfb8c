"""`python -m supply ingest TABLE FILE`: the Data page's upload path on the command line.

Reads the file in a worker process with a time and memory limit (CSV in batches, so
large files stay in bounded memory; ``supply.ingest.worker``), maps columns
(remembered mapping, then automatic matching, then ``--mapping``), checks every row,
prints the error report and commits a new snapshot. Exit codes: 0 committed, 1 nothing
committed (errors in the data), 2 the file or the arguments cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from supply.cli import command

MAX_PRINTED_ERRORS = 50


def _mapping_arg(text: str | None) -> dict:
    """--mapping: a JSON object {target column: header}, inline or in a file."""
    if not text:
        return {}
    path = Path(text)
    raw = path.read_text(encoding="utf-8-sig") if path.is_file() else text
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError('--mapping must be a JSON object such as {"capacity_pieces": "产能"}')
    return value


def _defaults_arg(table: str, items: list[str]) -> dict:
    """--default COLUMN=VALUE, parsed like a cell of that column."""
    from supply.ingest.pipeline import parse_defaults

    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--default {item!r}: write COLUMN=VALUE, e.g. cluster_id=zhili")
        pairs[key.strip()] = value
    return parse_defaults(table, pairs)


@command("ingest", "check an uploaded CSV/XLSX file and commit it as a new snapshot")
def _ingest(p: argparse.ArgumentParser):
    from supply.ingest.pipeline import CRS_CHOICES
    from supply.ingest.spec import SPECS

    p.add_argument("table", choices=sorted(SPECS))
    p.add_argument("file", type=Path)
    p.add_argument(
        "--crs",
        choices=CRS_CHOICES,
        default="wgs84",
        help="coordinate system of lon/lat in the file (default wgs84)",
    )
    p.add_argument("--mapping", metavar="JSON", help="column mapping {target: header}, inline JSON or a file")
    p.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="value for rows the file leaves empty, e.g. cluster_id=zhili (repeatable)",
    )
    p.add_argument(
        "--allow-partial", action="store_true", help="commit the valid rows and leave the bad ones out"
    )
    p.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=None,
        help="data date (default: today; for the synthetic demo, the demo's own date)",
    )
    p.add_argument("--sheet", help="xlsx sheet (default: the first)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--errors-out", type=Path, metavar="CSV", help="write every error to this CSV (UTF-8 BOM)")
    p.add_argument("--batch-rows", type=int, default=100_000, help=argparse.SUPPRESS)
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="stop the worker after this long (default $SUPPLY_INGEST_SECONDS or 900)",
    )
    p.add_argument(
        "--memory-limit",
        type=int,
        metavar="MB",
        help="stop the worker past this resident memory (default $SUPPLY_INGEST_MB or 3072)",
    )

    def run(args) -> int:
        from supply.data.export import to_csv_bytes
        from supply.data.store import Store
        from supply.i18n import t
        from supply.ingest import worker
        from supply.ingest.pipeline import IngestError, explain

        lang = args.lang
        if not args.file.is_file():
            print(f"error: {args.file}: no such file", file=sys.stderr)
            return 2
        store = Store(args.data)
        t0 = time.perf_counter()
        last = [0.0]

        def progress(frac: float, msg: str) -> None:
            now = time.perf_counter()
            if now - last[0] > 1.0 or frac >= 1.0:
                last[0] = now
                print(f"  [{frac:4.0%}] {msg}", file=sys.stderr, flush=True)

        try:
            result = worker.ingest_file(
                store,
                args.table,
                args.file,
                mapping=_mapping_arg(args.mapping),
                crs=args.crs,
                as_of=args.as_of,
                defaults=_defaults_arg(args.table, args.default),
                allow_partial=args.allow_partial,
                progress=progress,
                sheet=args.sheet,
                batch_rows=args.batch_rows,
                seconds=args.time_limit,
                mb=args.memory_limit,
            )
        except IngestError as exc:
            print(f"error: {exc.message(lang)}", file=sys.stderr)
            return 2
        except (ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        v = result.validation
        read = v.raw
        enc = getattr(read, "encoding", None)
        print(
            f"{args.file.name}: {t('upload.encoding', lang)} {enc or getattr(read, 'sheet', None) or 'xlsx'}"
        )
        print(
            t("upload.mapping_used", lang)
            + " "
            + json.dumps({k: h for k, h in v.mapping.items() if h}, ensure_ascii=False)
        )
        for warning in v.warnings:
            print("  ! " + warning)
        for key, n in v.notes.items():
            print("  · " + t(f"ingest.note.{key}", lang, n=n))
        print(v.summary(lang))
        if not v.errors.is_empty():
            report = explain(v.errors, lang)
            for row in report.head(MAX_PRINTED_ERRORS).iter_rows(named=True):
                print(
                    f"  {t('upload.row', lang)} {row['row']}\t{row['column']}\t{row['value'] or ''}\t{row['reason']}"
                )
            if report.height > MAX_PRINTED_ERRORS:
                print("  " + t("upload.more_errors", lang, n=report.height - MAX_PRINTED_ERRORS))
            if args.errors_out:
                args.errors_out.write_bytes(to_csv_bytes(report))
                print(t("upload.errors_written", lang, path=str(args.errors_out)))
        if result.snapshot is None:
            print(f"error: {result.refused.message(lang)}", file=sys.stderr)
            return 1
        if v.rows_bad:
            print(t("upload.left_out", lang, n=v.rows_bad))
        print(
            t("upload.committed", lang, sid=result.snapshot.snapshot_id, rows=v.rows_ok)
            + f" ({time.perf_counter() - t0:.1f} s)"
        )
        return 0

    return run
