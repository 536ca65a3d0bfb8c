"""Shared by the ingest, history and upload tests: a private copy of the tiny store,
files built in code, and an assert that nothing was committed."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

from supply.data.store import Store

AS_OF = __import__("datetime").date(2026, 6, 29)  # the newest tiny demo snapshot


def copy_store(tiny_data: Path, tmp_path: Path) -> Store:
    """A private copy of the tiny demo data (tests that commit must not touch the shared one)."""
    dst = tmp_path / "data"
    shutil.copytree(tiny_data, dst)
    return Store(dst)


def fingerprint(store: Store) -> dict[str, str]:
    """sha256 of every file under the data directory (mapping memory included), by relative path."""
    out = {}
    for path in sorted(store.data_dir.rglob("*")):
        if path.is_file() and path.name not in (".lock", ".ingest.lock", ".ingest_mappings.lock"):
            out[str(path.relative_to(store.data_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def assert_nothing_committed(store: Store, before: dict[str, str], latest_id: str) -> None:
    """The previous snapshot is still the newest and every file is byte for byte as it was."""
    assert store.latest().snapshot_id == latest_id
    after = fingerprint(store)
    assert after == before, sorted(set(after.items()) ^ set(before.items()))[:5]


def csv_bytes(rows: list[list], encoding: str = "utf-8", sep: str = ",") -> bytes:
    """CSV text of rows (values are written as given) in an encoding."""
    return "\n".join(sep.join("" if v is None else str(v) for v in r) for r in rows).encode(encoding) + b"\n"


def xlsx_bytes(rows: list[list], sheet: str = "Sheet1", number_formats: dict | None = None) -> bytes:
    """An .xlsx workbook of rows written by openpyxl (strings stay strings)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for cell, fmt in (number_formats or {}).items():
        ws[cell].number_format = fmt
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def commit_csv(store: Store, table: str, rows: list[list], name: str | None = None):
    """Upload rows (a header row first) as a CSV into the newest snapshot, checked with no bad row;
    return (the base snapshot, the new one)."""
    from supply.ingest import pipeline as ingest

    base, data, name = store.latest(), csv_bytes(rows), name or f"{table}.csv"
    read = ingest.read_upload(name, data)
    v = ingest.validate(
        table, read, ingest.suggest_mapping(table, read.headers), base_snapshot=base, as_of=AS_OF
    )
    assert v.rows_bad == 0, f"{v.rows_bad} bad row(s) in the test upload"
    return base, ingest.commit(store, table, v, base_snapshot=base, source_name=name, source_bytes=data)


def move_order(store: Store, src: str = "F0000001", dst: str = "F0000002"):
    """Upload one of ``src``'s children's-wear orders as ``dst``'s (a one-row orders CSV);
    return (the base snapshot, the new one)."""
    import polars as pl

    orders = store.read(store.latest().snapshot_id, "orders")
    order = orders.filter((pl.col("factory_id") == src) & (pl.col("category") == "childrens_wear")).row(
        0, named=True
    )
    header = ["订单号", "工厂编号", "品类", "数量", "下单日期", "交货日期"]
    row = [order["order_id"], dst, "童装", order["qty"], str(order["order_date"]), str(order["due_date"])]
    return commit_csv(store, "orders", [header, row])
