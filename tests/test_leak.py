"""THE PROOF (issue 7): no page, filter list, chart, map tooltip or export shows a viewer
data outside their scope (DESIGN.md section 6).

How it runs
-----------
The tiny demo is copied and a canary snapshot is derived from it. Two factories of the
Zhili cluster get extra capacity, order, pooled-order and stock rows: B, an association
member, and N, a non-member. Their figures are huge, in magnitude bands that no real row,
date or timestamp reaches: B's are 3.3e13 (band [1e13, 1e15)) and N's are 3.3e16 (band
[1e16, 1e18)). Each of B's and N's rows sits in a planner cell of at most two factories,
so a planner must see none of them. Any total that includes one of them also falls in its
band. Their order, buyer and SKU ids start with CANARY.

Users sign in through the users file, as they would on a server, and no "view as" picker
is shown. They are the owner of factory A (F0000001, Zhili), the Zhili association and a
planner. Each opens every page that ``supply.nav.PAGES`` lists for their role, so a new
page is covered as soon as it is in the navigation. The test walks the whole element tree
of each run, generically: every text, caption, metric, table and dataframe cell (decoded
from Arrow), widget label and option list, plotly figure and pydeck map JSON (tooltip
data included, base64 arrays decoded), and the payload of every download button, whether
CSV, XLSX or text. It then fills every text and number input of the page with hostile
values (SQL fragments, quotes, a 10,000-character string, control characters, RTL marks,
and another factory's ids), and checks the page again.

The rule, per role
------------------
1. Identifiers. An order id, buyer id or SKU that the role may not see must never appear
   anywhere. The forbidden set is built from the raw Parquet of every snapshot:
   * factory owner: ids that occur only in other factories' rows, plus the schools that
     do not buy from A (a school is a buyer);
   * association: orders of non-members, and the buyer and SKU of every direct order and
     of all stock, since it sees buyers and designs of pooled orders only;
   * planner: every order id, every non-school buyer and every SKU.
2. Figures. The canaries' magnitude bands never appear: for the owner and the planner,
   neither band; for the association, N's band (B is a member and may be seen). Numbers
   are read from JSON, Arrow and XLSX values, and from text, including 1,234 grouping and
   the 万/亿 and K/M/B/T suffixes.
3. Factory names and ids. The factories table (name, place, employees...) is public to
   every role (§6), so other factories' ids and names MAY appear in directory-like
   outputs: texts, option lists, map layers, and tables without private columns. They
   must NOT appear next to capacity, order or stock values. A table row or an export row
   that names an out-of-scope factory must leave every private column empty. The
   private columns are capacity, booked, idle, utilisation, quantity, price, cost, value,
   stock, order id, buyer and SKU, in raw or translated headers. A map record that names
   one must have no private field. No plotly chart names one at all: charts plot
   capacity, orders and stock. "Out of scope" means any other factory for the owner and
   for the planner (planners see aggregates only), and any non-member for the
   association.

Planner cells of fewer than 3 factories are also checked at the view level in
tests/test_sandbox.py. Coverage (pages x roles x exports) is printed by the last test.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from auth_helpers import new_app, route_like_the_server, sign_in, write_users
from google.protobuf.descriptor import FieldDescriptor
from streamlit.runtime.media_file_manager import MediaFileManager

from supply.data.store import Store
from supply.i18n import CATALOGUE
from supply.nav import PAGES, pages_for

ROOT = Path(__file__).resolve().parent.parent
A = "F0000001"
B_BAND, N_BAND = (1e13, 1e15), (1e16, 1e18)
B_BIG, N_BIG = 33_333_333_333_333, 33_333_333_333_333_333
USERS = {
    "factory": {"username": "owner-a", "role": "factory", "factory_id": A},
    "association": {"username": "assoc-zhili", "role": "association", "cluster_id": "zhili"},
    "planner": {"username": "planner", "role": "planner"},
}
# Every text input gets each of these in turn; every number input its min and its max.
HOSTILE = [
    "' or '1'='1 '); drop table orders; -- \"; select * from read_csv('/etc/passwd') %_\\ "
    '\x00\x01\x1b[31m\r\n\t控制 \u202eRTL \u200fمرحبا\u202d =HYPERLINK("http://x")<script>',
    "x" * 10_000,
    "CANARY-ORDER-B-direct",  # searching for another factory's order must find nothing
    "F0000002",
]
PRIVATE = re.compile(
    r"(capacity|booked|idle|utili[sz]ation|qty|quantity|price|cost|value|on_hand|stock|"
    r"order_id|buyer_id|^sku$|pieces)",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"(?:\s?([万亿KkMBT])(?![A-Za-z0-9]))?"
)
SUFFIX = {"万": 1e4, "亿": 1e8, "K": 1e3, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
COVERAGE: dict[str, dict] = defaultdict(
    lambda: {"pages": set(), "runs": 0, "exports": 0, "fuzzed": 0, "inputs": set()}
)


# -- the canary snapshot -------------------------------------------------------------------


@pytest.fixture(scope="module")
def leak_data(tiny_data, tmp_path_factory) -> Path:
    """A copy of the tiny demo plus a canary snapshot with member B's and non-member N's rows."""
    path = tmp_path_factory.mktemp("leak") / "data"
    shutil.copytree(tiny_data, path)
    store = Store(path)
    base = store.latest()
    fac = store.read(base.snapshot_id, "factories").filter(pl.col("cluster_id") == "zhili")
    b = fac.filter(pl.col("association_member") & (pl.col("factory_id") != A))["factory_id"][0]
    n = fac.filter(~pl.col("association_member"))["factory_id"][0]
    week = base.as_of - dt.timedelta(days=base.as_of.weekday()) + dt.timedelta(weeks=2)
    school = store.read(base.snapshot_id, "schools")["school_id"][0]
    capacity, orders, inventory = [
        store.read(base.snapshot_id, t) for t in ("capacity", "orders", "inventory")
    ]
    rows_cap, rows_ord, rows_inv = [], [], []
    for fid, tag, big in ((b, "B", B_BIG), (n, "N", N_BIG)):
        rows_cap.append(
            {
                "factory_id": fid,
                "week_start": week,
                "category": "crystal",
                "capacity_pieces": big,
                "booked_pieces": big - 7,
            }
        )
        for channel, buyer, sku, cat in (
            ("direct", f"CANARY-BUYER-{tag}", f"CANARY-SKU-{tag}", "crystal"),
            ("pooled", school, f"CANARY-POOLSKU-{tag}", "school_uniform"),
        ):
            rows_ord.append(
                {
                    "order_id": f"CANARY-ORDER-{tag}-{channel}",
                    "factory_id": fid,
                    "buyer_id": buyer,
                    "buyer_type": "wholesaler" if channel == "direct" else "school",
                    "channel": channel,
                    "category": cat,
                    "sku": sku,
                    "size": "130/64",
                    "qty": big,
                    "unit_price": 1.0,
                    "order_date": base.as_of,
                    "due_date": week + dt.timedelta(days=3 if channel == "direct" else 4),
                    "status": "open",
                }
            )
        rows_inv.append(
            {
                "factory_id": fid,
                "sku": f"CANARY-INV-{tag}",
                "size": "130/64",
                "as_of": dt.date(2026, 1, 5),
                "on_hand_pieces": big,
                "unit_cost": 1.0,
            }
        )
    changed = {
        "capacity": pl.concat([capacity, pl.DataFrame(rows_cap, schema=capacity.schema)]),
        "orders": pl.concat([orders, pl.DataFrame(rows_ord, schema=orders.schema)]),
        "inventory": pl.concat([inventory, pl.DataFrame(rows_inv, schema=inventory.schema)]),
    }
    store.derive(base, changed, as_of=base.as_of, snapshot_id="canary", source={"kind": "leak-test"})
    return path


def _raw(store: Store, table: str) -> pl.DataFrame:
    """A table over every snapshot (pages may show the previous snapshot too)."""
    return pl.concat([store.read(s.snapshot_id, table) for s in store.list()]).unique()


def forbidden_for(role: str, data: Path) -> dict:
    """What the role must not see: identifier tokens, magnitude bands, out-of-scope factories."""
    store = Store(data)
    orders, inventory = _raw(store, "orders"), _raw(store, "inventory")
    factories, schools = _raw(store, "factories"), _raw(store, "schools")
    if role == "factory":
        own_o = orders.filter(pl.col("factory_id") == A)
        own_i = inventory.filter(pl.col("factory_id") == A)
        other_o = orders.filter((pl.col("factory_id") != A) | pl.col("factory_id").is_null())
        tokens = (
            (set(other_o["order_id"]) - set(own_o["order_id"]))
            | (set(other_o["buyer_id"]) - set(own_o["buyer_id"]))
            | (
                (set(other_o["sku"]) | set(inventory.filter(pl.col("factory_id") != A)["sku"]))
                - set(own_o["sku"])
                - set(own_i["sku"])
            )
        )
        strangers = schools.filter(~pl.col("school_id").is_in(own_o["buyer_id"].to_list()))
        tokens |= set(strangers["school_id"]) | set(strangers["name"])
        outside = factories.filter(pl.col("factory_id") != A)
        bands = [B_BAND, N_BAND]
    elif role == "association":
        members = factories.filter((pl.col("cluster_id") == "zhili") & pl.col("association_member"))[
            "factory_id"
        ]
        visible = orders.filter(
            pl.col("factory_id").is_in(members.to_list())
            | ((pl.col("channel") == "pooled") & pl.col("factory_id").is_null())
        )
        pooled = visible.filter(pl.col("channel") == "pooled")
        direct = orders.filter(pl.col("channel") == "direct")
        tokens = (set(orders["order_id"]) - set(visible["order_id"])) | (
            (
                set(direct["buyer_id"])
                | set(direct["sku"])
                | set(inventory["sku"])
                | set(orders.filter(pl.col("channel") == "pooled")["sku"])
            )
            - set(pooled["buyer_id"])
            - set(pooled["sku"])
        )
        outside = factories.filter(~pl.col("factory_id").is_in(members.to_list()))
        bands = [N_BAND]
    else:
        tokens = (
            set(orders["order_id"])
            | set(orders.filter(pl.col("buyer_type") != "school")["buyer_id"])
            | set(orders["sku"])
            | set(inventory["sku"])
        )
        outside = factories
        bands = [B_BAND, N_BAND]
    tokens = {t for t in tokens if t}
    # Positive controls: what the role may see, so a walk that sees nothing cannot pass.
    own_ids = set(orders.filter(pl.col("factory_id") == A)["order_id"]) if role == "factory" else set()
    return {
        "tokens": tokens,
        "bands": bands,
        "own_ids": own_ids,
        "factory_names": set(outside["factory_id"]) | set(outside["name"]),
    }


# -- collecting everything a run shows ----------------------------------------------------


class Seen:
    """Everything one run put on screen or into a download."""

    def __init__(self):
        self.strings: list[tuple[str, str]] = []  # (where, text)
        self.numbers: list[tuple[str, float]] = []
        self.tables: list[tuple[str, list[str], list[list]]] = []  # (where, header, rows)
        self.records: list[tuple[str, dict]] = []  # map / JSON records
        self.charts: list[tuple[str, str]] = []  # plotly spec text
        self.exports = 0

    def text(self, where: str, value: str) -> None:
        self.strings.append((where, value))
        for m in NUMBER.finditer(value):
            try:
                number = float(m.group(1).replace(",", ""))
            except ValueError:
                continue
            self.numbers.append((where, number * SUFFIX.get(m.group(2) or "", 1)))

    def value(self, where: str, value) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float)):
            self.numbers.append((where, float(value)))
        elif isinstance(value, str):
            self.text(where, value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.value(where, v)
        elif isinstance(value, dict):
            self.json(where, value)
        else:
            self.text(where, str(value))

    def json(self, where: str, obj) -> None:
        """Walk parsed JSON; decode plotly's base64 arrays; keep dict records for rule 3."""
        if isinstance(obj, dict):
            if "bdata" in obj and "dtype" in obj:
                arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
                for v in arr.tolist():
                    self.value(where, v)
                return
            self.records.append((where, obj))
            for k, v in obj.items():
                self.text(where, str(k))
                self.json(where, v)
        elif isinstance(obj, list):
            for v in obj:
                self.json(where, v)
        else:
            self.value(where, obj)

    def arrow(self, where: str, data: bytes) -> bool:
        try:
            table = pa.ipc.open_stream(data).read_all()
        except Exception:
            return False
        header = [str(c) for c in table.column_names]
        rows = [list(r.values()) for r in table.to_pylist()]
        self.tables.append((where, header, rows))
        for h in header:
            self.text(where, h)
        for row in rows:
            for v in row:
                self.value(where, v)
        return True

    def proto(self, where: str, msg) -> None:
        """Every string, number and byte payload of an element's protobuf message."""
        for field, value in msg.ListFields():
            values = value if field.is_repeated else [value]
            for v in values:
                if field.type == FieldDescriptor.TYPE_MESSAGE:
                    if hasattr(v, "ListFields"):
                        self.proto(where, v)
                elif field.type == FieldDescriptor.TYPE_STRING:
                    if field.name in ("spec", "json") or (v[:1] in "{[" and len(v) > 1):
                        try:
                            parsed = json.loads(v)
                        except ValueError:
                            self.text(where, v)
                            continue
                        if field.name == "spec":
                            self.charts.append((where, v))
                        self.json(where, parsed)
                        # Tokens are searched in the raw text too, but its numbers were read from
                        # the parsed values: a JSON array such as [307,283,168,178,297,216] must
                        # not be read as one thousands-grouped number.
                        self.strings.append((where, v))
                    elif field.name in ("id", "url", "form_id", "fragment_id"):
                        # widget ids and media URLs hold hex hashes; a hash that happens to start
                        # with 14+ digits is not a figure (tokens are still searched in them)
                        self.strings.append((where, v))
                    else:
                        self.text(where, v)
                elif field.type == FieldDescriptor.TYPE_BYTES:
                    self.arrow(where, v)
                elif field.type in (
                    FieldDescriptor.TYPE_DOUBLE,
                    FieldDescriptor.TYPE_FLOAT,
                    FieldDescriptor.TYPE_INT64,
                    FieldDescriptor.TYPE_INT32,
                    FieldDescriptor.TYPE_UINT64,
                    FieldDescriptor.TYPE_UINT32,
                    FieldDescriptor.TYPE_SINT64,
                    FieldDescriptor.TYPE_SINT32,
                ):
                    if field.name not in ("id", "height", "width", "step", "max", "min", "index"):
                        self.value(where, v)

    def download(self, where: str, payload: bytes, mimetype: str | None, name: str | None) -> None:
        self.exports += 1
        where = f"{where} download {name}"
        if payload[:2] == b"PK":  # XLSX
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(payload), read_only=True, data_only=True)
            for sheet in book.worksheets:
                rows = [list(r) for r in sheet.iter_rows(values_only=True)]
                self._rows(where, rows)
            return
        if payload[:5] == b"%PDF-" or (mimetype or "").startswith("image/"):
            self.text(where, payload.decode("latin-1"))  # raw strings of a PDF or image
            return
        text = payload.decode("utf-8-sig", errors="replace")
        if (mimetype or "").startswith("text/csv") or (name or "").endswith(".csv"):
            self._rows(where, list(csv.reader(io.StringIO(text))))
            self.strings.append((where, text))  # cells were read one by one above
            return
        if (name or "").endswith(".json"):
            try:
                self.json(where, json.loads(text))
                self.strings.append((where, text))
                return
            except ValueError:
                pass
        self.text(where, text)

    def _rows(self, where: str, rows: list[list]) -> None:
        rows = [r for r in rows if any(c not in (None, "") for c in r)]
        if not rows:
            return
        # the header is the first row of only text cells (an XLSX may carry a title above it)
        start = next(
            (
                i
                for i, r in enumerate(rows[:3])
                if all(isinstance(c, str) or c is None for c in r) and sum(c is not None for c in r) > 1
            ),
            0,
        )
        header = [str(c) if c is not None else "" for c in rows[start]]
        body = rows[start + 1 :]
        self.tables.append((where, header, body))
        for row in rows:
            for v in row:
                self.value(where, v)


def walk(node, seen: Seen, where: str) -> None:
    """Every element of an AppTest tree (main area, sidebar, tabs, expanders, columns...)."""
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ListFields"):
        seen.proto(f"{where}/{getattr(node, 'type', '?')}", proto)
    for child in getattr(node, "children", {}).values():
        walk(child, seen, where)


@pytest.fixture()
def downloads(monkeypatch):
    """Payloads of download buttons (and other media) of a run, static or deferred."""
    captured: list[tuple[bytes, str | None, str | None]] = []
    original_add = MediaFileManager.add
    original_deferred = MediaFileManager.add_deferred

    def add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        payload = data if isinstance(data, bytes) else str(data).encode("utf-8")
        captured.append((payload, mimetype, file_name))
        return original_add(
            self,
            data,
            mimetype,
            coordinates,
            file_name=file_name,
            is_for_static_download=is_for_static_download,
        )

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        data = data_callable()
        payload = (
            data
            if isinstance(data, bytes)
            else data.encode("utf-8")
            if isinstance(data, str)
            else data.read()
        )
        captured.append(
            (payload if isinstance(payload, bytes) else payload.encode("utf-8"), mimetype, file_name)
        )
        return original_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return captured


# -- the checks ----------------------------------------------------------------------------


def _private_headers() -> set[str]:
    """Raw and translated headers of private columns (rule 3)."""
    names = {
        "capacity_pieces",
        "booked_pieces",
        "idle_pieces",
        "utilisation",
        "qty",
        "unit_price",
        "value",
        "value_cny",
        "on_hand_pieces",
        "unit_cost",
        "order_id",
        "buyer_id",
        "sku",
    }
    for key, pair in CATALOGUE.items():
        parts = key.split(".")
        if len(parts) >= 3 and parts[-2] in ("col", "tip", "kpi", "metric") and PRIVATE.search(parts[-1]):
            names.update(pair)
    return {n.strip().lower() for n in names}


PRIVATE_HEADERS = _private_headers()


def _is_private(header: str) -> bool:
    h = str(header).strip().lower()
    return h in PRIVATE_HEADERS or bool(PRIVATE.search(h))


def _names_regex(names: set[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def leaks(seen: Seen, rule: dict) -> list[str]:
    """Every breach of the three rules in what a run showed."""
    found = []
    token_re = rule.setdefault(
        "_token_re",
        re.compile(
            r"(?<![A-Za-z0-9])("
            + "|".join(re.escape(t) for t in sorted(rule["tokens"], key=len, reverse=True))
            + r")(?![0-9])"
        ),
    )
    name_re = rule.setdefault("_name_re", _names_regex(rule["factory_names"]))
    for where, text in seen.strings:  # 1. identifiers
        m = token_re.search(text)
        if m:
            found.append(f"{where}: forbidden id {m.group(1)!r} in {text[:120]!r}")
    for where, number in seen.numbers:  # 2. figures
        for lo, hi in rule["bands"]:
            if lo <= abs(number) < hi:
                found.append(f"{where}: a canary figure {number:,.0f} (band {lo:.0e}) is visible")
    for where, header, rows in seen.tables:  # 3. names next to private values
        private = [i for i, h in enumerate(header) if _is_private(h)]
        for row in rows:
            cells = [str(c) for c in row if c is not None]
            hit = next((m.group(0) for c in cells for m in [name_re.search(c)] if m), None)
            if hit and any(i < len(row) and row[i] not in (None, "", "—") for i in private):
                found.append(f"{where}: {hit!r} shown with private columns {[header[i] for i in private]}")
    for where, record in seen.records:
        flat = {k: v for k, v in record.items() if not isinstance(v, (dict, list))}
        hit = next(
            (m.group(0) for v in flat.values() if isinstance(v, str) for m in [name_re.search(v)] if m), None
        )
        if hit and any(_is_private(k) and v not in (None, "", 0) for k, v in flat.items()):
            found.append(f"{where}: map/JSON record names {hit!r} with private fields {sorted(flat)}")
    for where, spec in seen.charts:
        m = name_re.search(spec)
        if m:
            found.append(f"{where}: a chart names out-of-scope factory {m.group(0)!r}")
    return found


def check_run(at, role: str, where: str, rule: dict, captured: list) -> Seen:
    """No exception on the page, and no leak in anything it shows or offers to download."""
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    seen = Seen()
    walk(at._tree, seen, where)
    for payload, mimetype, name in captured:
        seen.download(where, payload, mimetype, name)
    captured.clear()
    found = leaks(seen, rule)
    assert not found, f"{len(found)} leak(s) as {role}:\n" + "\n".join(found[:25])
    return seen


def _inputs(at):
    """The text and number inputs of the page (not the sign-in form, which is gone by now)."""
    texts = [w for kind in ("text_input", "text_area") for w in at.get(kind)]
    return texts, list(at.get("number_input"))


def fuzz(at, role: str, where: str, rule: dict, captured: list) -> int:
    """Fill every input with hostile values; the page must neither fail nor leak."""
    texts, numbers = _inputs(at)
    if not texts and not numbers:
        return 0
    runs = 0
    rounds = HOSTILE if texts else HOSTILE[:2]  # number inputs only: their min and their max
    for i, hostile in enumerate(rounds):
        texts, numbers = _inputs(at)
        for w in texts:
            limit = getattr(w.proto, "max_chars", 0) or len(hostile)
            w.input(hostile[:limit])
        for w in numbers:
            bound = w.proto.max if i % 2 else w.proto.min
            if abs(bound) < 1e300:  # a real bound of the widget, else a large value
                w.set_value(bound)
            else:
                w.set_value(-1e12 if i % 2 == 0 else 1e12)
        captured.clear()
        at.run()
        check_run(at, role, f"{where} fuzz#{i}", rule, captured)
        runs += 1
    return runs


ROLE_RUNS = [("factory", "zh"), ("association", "zh"), ("planner", "en")]


@pytest.mark.parametrize("role,lang", ROLE_RUNS, ids=[f"{r}-{lang}" for r, lang in ROLE_RUNS])
def test_no_page_shows_data_outside_the_viewers_scope(
    leak_data, tmp_path, monkeypatch, downloads, role, lang
):
    monkeypatch.setenv("SUPPLY_DATA", str(leak_data))
    monkeypatch.setenv("SUPPLY_USERS", str(write_users(tmp_path / "users.toml", *USERS.values())))
    monkeypatch.chdir(ROOT)
    route_like_the_server(monkeypatch)
    rule = forbidden_for(role, leak_data)
    at = new_app(lang)
    at.run()
    sign_in(at, USERS[role]["username"])
    viewer = at.session_state["_ctx"].viewer
    assert viewer.role == role and at.session_state["_ctx"].snapshot.snapshot_id == "canary"
    cov = COVERAGE[role]
    for spec in pages_for(role):
        where = f"{role}/{lang}/{spec.key}"
        downloads.clear()
        at.switch_page(spec.file).run()
        seen = check_run(at, role, where, rule, downloads)
        cov["pages"].add(spec.key)
        cov["runs"] += 1
        cov["exports"] += seen.exports
        _note_positives(cov, seen, rule)
        cov["fuzzed"] += fuzz(at, role, where, rule, downloads)
        cov["inputs"] |= {f"{spec.key}:{w.key or w.label}" for kind in _inputs(at) for w in kind}

    _assert_positives(role, cov)


def _note_positives(cov: dict, seen: Seen, rule: dict) -> None:
    """Record in-scope things the walk saw: own order ids (screen, download), B's figures."""
    own = rule["own_ids"]
    for where, text in seen.strings:
        ids = own & set(re.findall(r"O\d{9}|P\d{8}", text))
        if ids:
            cov.setdefault("own_ids_on", set()).add("download" if " download " in where else "screen")
    if any(B_BAND[0] <= abs(n) < B_BAND[1] for _, n in seen.numbers):
        cov["b_band_seen"] = True


def _assert_positives(role: str, cov: dict) -> None:
    if role == "factory":  # own orders are listed and exported
        assert cov.get("own_ids_on", set()) >= {"screen", "download"}, cov.get("own_ids_on")
    if role == "association":  # member B's canary capacity reaches the association's reports
        assert cov.get("b_band_seen"), "the association never saw member B's figures"


def test_the_canaries_would_be_caught(leak_data):
    """The checks can fail: an owner shown B's order, figure or name next to capacity is caught."""
    rule = forbidden_for("factory", leak_data)
    store = Store(leak_data)
    b_name = store.read("canary", "factories").filter(
        pl.col("factory_id")
        == store.read("canary", "orders").filter(pl.col("order_id") == "CANARY-ORDER-B-direct")["factory_id"][
            0
        ]
    )["name"][0]
    seen = Seen()
    seen.text("t", "订单 CANARY-ORDER-B-direct")
    seen.text("t", f"产能 {B_BIG / 1e8:,.2f}亿 件")
    seen.tables.append(("t", ["工厂", "产能（件）"], [[b_name, 120]]))
    seen.json(
        "t",
        {
            "data": [
                {
                    "type": "bar",
                    "x": [b_name],
                    "y": {
                        "bdata": base64.b64encode(np.array([1.0], dtype="f8").tobytes()).decode(),
                        "dtype": "f8",
                    },
                }
            ]
        },
    )
    seen.charts.append(("t", json.dumps({"x": [b_name]}, ensure_ascii=False)))
    found = leaks(seen, rule)
    assert len(found) == 4, found
    assert not leaks(_public_only(b_name), rule)


def _public_only(name: str) -> Seen:
    seen = Seen()
    seen.text("t", f"{name} · 织里镇 · 45 人")
    seen.tables.append(("t", ["工厂", "镇"], [[name, "织里镇"]]))
    return seen


def test_every_page_file_is_in_the_navigation():
    """A page file outside supply/nav.PAGES would escape this test (and the router)."""
    files = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py") if p.name != "__init__.py"
    }
    assert files == {p.file for p in PAGES}


def test_coverage_summary():
    """Every page a role may open was visited; prints pages x roles x exports."""
    if not COVERAGE:
        pytest.skip("the leak runs did not run in this session")
    lines = []
    for role, cov in COVERAGE.items():
        expected = {p.key for p in pages_for(role)}
        assert cov["pages"] == expected, (role, expected - cov["pages"])
        lines.append(
            f"{role}: {len(cov['pages'])} pages, {cov['runs']} page runs, "
            f"{cov['exports']} download payloads, {cov['fuzzed']} fuzz runs over "
            f"inputs {sorted(cov['inputs'])}"
        )
    print("\nleak coverage: " + "; ".join(lines))
