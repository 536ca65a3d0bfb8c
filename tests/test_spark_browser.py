"""The app served on Apache Spark (``SUPPLY_ENGINE=spark``) in Debian's chromium: pages and screenshots.

Every page as an association in Chinese and in English, and a few pages as planner, factory owner
and admin, with the same checks as the browser walk (tests/test_walk_browser.py: no "None",
"nan" or traceback, no English left in the Chinese page, charts in the page's locale). One
screenshot per page goes to ``$BROWSER_SHOTS`` (a temporary directory otherwise).
"""

from __future__ import annotations

import os

import pytest

from supply.i18n import t
from supply.nav import pages_for
from tests import browser
from tests.browser import choose, chromium, have_chromium, open_app, open_page, screenshot, serve
from tests.test_walk_browser import _problems, _switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
SPARK = {
    "SUPPLY_ENGINE": "spark",
    "SUPPLY_SPARK_MASTER": "local[2]",
    "SUPPLY_SPARK_MEMORY": "2g",
    "SPARK_LOCAL_IP": "127.0.0.1",
}
# role -> pages walked besides the association's every page (zh, en)
OTHERS = {
    "zh": {"planner": ("overview", "map"), "factory": ("my_factory", "history"), "admin": ("capacity",)},
    "en": {"planner": ("capacity",), "factory": ("my_factory",), "admin": ("inventory", "history")},
}


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go."""
    path = os.environ.get("BROWSER_SHOTS")
    return tmp_path_factory.mktemp("spark-shots") if not path else os.path.abspath(path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_on_spark_in_the_browser(tiny_data, tmp_path, shots, lang, monkeypatch):
    # a Spark page's first run opens the viewer's views on Spark: wait up to 5 minutes per run
    monkeypatch.setattr(browser.wait_for_app, "__defaults__", (300_000, 400))
    env = {**SPARK, "SUPPLY_SPARK_WAREHOUSE": str(tmp_path / "warehouse")}
    with serve(tiny_data, env=env, timeout=180) as server, chromium() as page:
        page.set_default_timeout(300_000)
        open_app(page, server)
        if lang == "en":
            _switch_language(page, "en")
        view_as = t("app.view_as", lang)
        walk = {"association": [s.key for s in pages_for("association")], **OTHERS[lang]}
        failures = []
        for role, keys in walk.items():
            choose(page, view_as, t(f"role.{role}", lang))
            for key in keys:
                open_page(page, key)
                path = screenshot(page, shots, f"spark-{lang}-{role}-{key}")
                failures += [f"{key} as {role} ({path.name}): {p}" for p in _problems(page, lang)]
        assert not failures, "\n".join(failures)
