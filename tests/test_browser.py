"""Browser test: `streamlit run` on the tiny demo, every page in Debian's headless chromium.

One server and one browser serve the whole module. Pages are opened through the sidebar
links so the demo "view as" role chosen in the sidebar stays in the session. Screenshots
go to a temporary directory (``$BROWSER_SHOTS`` to keep them somewhere else).
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from supply.i18n import t
from supply.nav import PAGES, pages_for
from tests.browser import choose, chromium, exceptions, have_chromium, open_app, open_page, screenshot, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

# the association's Overview: five figures of its members, then two of the public directory
OVERVIEW_METRICS = (
    "overview.capacity",
    "overview.utilisation",
    "overview.open_orders",
    "overview.pooled_share",
    "overview.inventory",
    "overview.factories",
    "overview.members",
)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go."""
    path = os.environ.get("BROWSER_SHOTS")
    return tmp_path_factory.mktemp("screens") if not path else os.path.abspath(path)


@pytest.fixture(scope="module")
def browser_app(tiny_data):
    """The app served over the tiny demo and one chromium page that has opened it (Chinese)."""
    with serve(tiny_data) as url, chromium() as page:
        open_app(page, url)
        yield {"url": url, "page": page, "role": None}


def _as_role(app: dict, role: str) -> None:
    """Pick a demo role in the sidebar (factory owners view the first factory)."""
    if app["role"] == role:
        return
    page = app["page"]
    choose(page, t("app.view_as", "zh"), t(f"role.{role}", "zh"))
    app["role"] = role
    hrefs = [a.get_attribute("href") or "" for a in page.locator('[data-testid="stSidebarNav"] a').all()]
    listed = {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs}
    expected = {"" if p.default else p.key for p in pages_for(role)}
    expected = {app["url"].rsplit("/", 1)[-1] if k == "" else k for k in expected}
    assert listed == expected, f"as {role} the sidebar lists {sorted(listed)}"


def test_overview_shows_its_metrics_in_chinese_by_default(browser_app, shots):
    page = browser_app["page"]
    metrics = page.locator('[data-testid="stMain"] [data-testid="stMetricLabel"]')
    expect(metrics).to_have_count(len(OVERVIEW_METRICS), timeout=60_000)
    labels = [e.inner_text().strip() for e in metrics.all()]
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


def test_factory_owner_opens_my_factory(browser_app, shots):
    page = browser_app["page"]
    _as_role(browser_app, "factory")
    open_page(page, "my_factory")
    assert t("app.view_as_factory", "zh") in page.locator('[data-testid="stSidebar"]').inner_text()
    errors = exceptions(page)
    path = screenshot(page, shots, "my_factory-factory")
    assert errors == [], (
        f"my_factory as a factory owner shows an exception (screenshot {path}):\n" + "\n".join(errors)
    )
