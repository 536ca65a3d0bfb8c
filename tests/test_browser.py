"""Browser test: `streamlit run` on the tiny demo, every page in Debian's headless chromium.

One server and one browser serve the whole module. Pages are opened through the sidebar
links so the demo "view as" role chosen in the sidebar stays in the session. Screenshots
go to a temporary directory (``$BROWSER_SHOTS`` to keep them somewhere else).
"""

from __future__ import annotations

import os

import pytest

from supply.i18n import t
from supply.nav import PAGES
from tests.browser import (chromium, choose, exceptions, have_chromium, open_page, screenshot, serve,
                           wait_for_app)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

OVERVIEW_METRICS = ("overview.factories", "overview.capacity", "overview.utilisation",
                    "overview.open_orders", "overview.pooled_share", "overview.inventory")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go."""
    path = os.environ.get("BROWSER_SHOTS")
    return tmp_path_factory.mktemp("screens") if not path else os.path.abspath(path)


@pytest.fixture(scope="module")
def browser_app(tiny_data):
    """The app served over the tiny demo and one chromium page that has opened it (Chinese)."""
    with serve(tiny_data) as url, chromium() as page:
        page.goto(url + "/")
        wait_for_app(page)
        yield {"url": url, "page": page, "role": None}


def _as_role(app: dict, role: str) -> None:
    """Pick a demo role in the sidebar (factory owners view the first factory)."""
    if app["role"] == role:
        return
    choose(app["page"], t("app.view_as", "zh"), t(f"role.{role}", "zh"))
    app["role"] = role


def test_overview_shows_six_metrics_in_chinese_by_default(browser_app, shots):
    page = browser_app["page"]
    labels = [e.inner_text().strip() for e in page.locator('[data-testid="stMetricLabel"]').all()]
    assert labels == [t(k, "zh") for k in OVERVIEW_METRICS]
    assert page.locator("h1").first.inner_text().strip() == t("overview.title", "zh")
    assert exceptions(page) == []
    screenshot(page, shots, "overview-default-zh")


@pytest.mark.parametrize("spec", PAGES, ids=[p.key for p in PAGES])
def test_every_page_opens_without_exception(browser_app, shots, spec):
    page = browser_app["page"]
    role = "admin" if "admin" in spec.roles else spec.roles[0]
    _as_role(browser_app, role)
    open_page(page, spec.key)
    assert page.locator('[data-testid="stMain"] h1').count() >= 1, f"{spec.key}: no title"
    errors = exceptions(page)
    path = screenshot(page, shots, f"{spec.key}-{role}")
    assert errors == [], f"{spec.key} as {role} shows an exception (screenshot {path}):\n" + "\n".join(errors)
