"""Browser test: upload a CSV on the Data page in headless chromium, commit it, and see the
new snapshot listed (sidebar and history page). Runs on a private copy of the tiny demo."""

from __future__ import annotations

import os

import pytest

from supply.data.store import Store
from tests.browser import chromium, exceptions, have_chromium, open_page, screenshot, serve, wait_for_app
from tests.ingest_helpers import copy_store, csv_bytes
from ui.snapshots import label as snapshot_label

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def selected(page, label: str, where: str = "") -> str:
    """The value shown in the selectbox (a combobox input) whose label is ``label``."""
    return page.locator(f'{where} input[role="combobox"][aria-label="{label}"]').first.input_value()


def click_and_wait(page, name: str) -> None:
    """Click the button with this visible name and wait for the rerun to finish."""
    page.get_by_role("button", name=name).click()
    page.wait_for_timeout(300)
    wait_for_app(page)


def test_upload_commit_and_see_the_new_snapshot(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    shots = os.environ.get("BROWSER_SHOTS") or str(tmp_path / "shots")
    upload = tmp_path / "产能.csv"
    upload.write_bytes(
        csv_bytes(
            [
                ["工厂编号", "周", "品类", "产能", "已接单"],
                ["F0000001", "2026-07-06", "童装", 1234, 10],
                ["F0000003", "2026-07-06", "童装", 2345, 10],
            ],
            "gbk",
        )
    )
    with serve(store.data_dir) as url, chromium() as page:
        page.goto(url)  # the demo's default role is the association: it may upload its members' data
        wait_for_app(page)
        open_page(page, "data_upload")
        assert exceptions(page) == []
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
        page.get_by_text("gb18030").first.wait_for()
        wait_for_app(page)
        click_and_wait(page, "校验")
        metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert metrics == ["2", "2", "0"], metrics
        screenshot(page, shots, "upload-validated")
        click_and_wait(page, "提交为新快照")
        new = Store(store.data_dir).latest()
        assert new.manifest["source"]["file"] == "产能.csv"
        shown = snapshot_label(new, "zh")  # snapshots are shown by label (time, source, user), not id
        page.get_by_text(f"新快照 {shown}").first.wait_for()
        assert selected(page, "数据快照", '[data-testid="stSidebar"]') == shown
        screenshot(page, shots, "upload-committed")
        assert exceptions(page) == []
        open_page(page, "history")
        assert selected(page, "到（较新）") == shown
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        screenshot(page, shots, "history")
        assert exceptions(page) == []
