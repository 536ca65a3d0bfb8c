"""Browser test: compute a plan on the pooled-planning page, press Stop while it runs, and see
the best plan found so far with the note that it was stopped (headless chromium, zh).

The tiny demo's solve takes about a second, so the server holds the real solve once the flow
LP has given its bound (0.55 on the bar) until Stop is pressed: a ``sitecustomize`` on the
server's PYTHONPATH patches ``ui.planning_job.Job.report`` in the streamlit process only.
"""

from __future__ import annotations

import os

import pytest

from tests.browser import (
    ROOT,
    chromium,
    exceptions,
    have_chromium,
    open_page,
    screenshot,
    serve,
    wait_for_app,
)
from tests.ingest_helpers import copy_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

HOLD = """
import sys

if sys.argv and sys.argv[0].endswith("streamlit"):  # the server, not the flow worker
    from ui import planning_job

    _report = planning_job.Job.report

    def _held(self, fraction, message):
        _report(self, fraction, message)
        if 0.5 <= fraction < 0.9 and not getattr(self, "_held", False):
            self._held = True
            self.stop_event.wait(120)

    planning_job.Job.report = _held
"""


def test_stop_in_the_browser_shows_the_best_plan_so_far(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    hook = tmp_path / "hold"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOLD, encoding="utf-8")
    shots = os.environ.get("BROWSER_SHOTS") or str(tmp_path / "shots")
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(hook)])}
    with serve(store.data_dir, env=env) as url, chromium() as page:
        page.goto(url)  # the demo's default role is the association
        wait_for_app(page)
        open_page(page, "planning")
        page.get_by_role("tab", name="② 方案").click()
        page.get_by_role("button", name="计算方案").click()
        page.get_by_text("正在求解…… 55%").first.wait_for(timeout=120_000)  # held after the LP
        stop = page.get_by_role("button", name="停止计算")
        assert page.get_by_role("button", name="计算方案").is_disabled()
        screenshot(page, shots, "planning-running")
        stop.click()
        page.get_by_text("计算已按您的要求").first.wait_for(timeout=120_000)
        wait_for_app(page)
        assert exceptions(page) == []
        assert page.get_by_role("button", name="停止计算").count() == 0
        labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
        assert any("总成本（含罚金）" in t for t in labels), labels
        assert page.get_by_text("任何方案都不可能低于").count() >= 1  # the bound and gap
        screenshot(page, shots, "planning-stopped")
