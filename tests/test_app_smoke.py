"""Every page of the app's own navigation runs headless (AppTest) in both languages, as every role."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from supply.nav import PAGES, pages_for

TIMEOUT = 120
ENTRY = Path(__file__).resolve().parent.parent / "dashboard.py"


def open_app(lang: str, role: str = "admin", page: str | None = None, factory: str | None = None) -> AppTest:
    """Run the entry point with a language and a demo role, optionally switched to a page."""
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["view_as_role"] = role
    if factory:
        at.session_state["view_as_factory"] = factory
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def assert_no_exception(at: AppTest, where: str) -> None:
    """No exception element, and no error box, on the page."""
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    assert not at.error, f"{where}: {[e.value for e in at.error]}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_in_both_languages(app_env, lang):
    at = open_app(lang)
    assert_no_exception(at, "overview")
    titles = [m.label for m in at.metric]
    assert len(titles) == 7  # five figures in the viewer's scope, two from the public directory
    expected = "工厂数" if lang == "zh" else "Factories"
    assert expected in titles
    scopes = [c.value for c in at.caption if "filter_alt" in c.value]
    assert len(scopes) >= 2 and any(("公开名录" if lang == "zh" else "public directory") in s for s in scopes)
    assert at.title[0].value == ("总览" if lang == "zh" else "Overview")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("spec", PAGES, ids=[p.key for p in PAGES])
def test_every_page_runs(app_env, tiny_snapshot, spec, lang):
    role = spec.roles[-1] if "admin" not in spec.roles else "admin"
    factory = "F0000001" if role == "factory" else None
    at = open_app(lang, role=role, page=spec.file, factory=factory)
    assert_no_exception(at, f"{spec.key} ({lang}, {role})")
    assert at.title, f"{spec.key} has no title"


def test_every_role_sees_its_pages_listed(app_env):
    for role in ("planner", "association", "factory", "admin"):
        at = open_app("en", role=role, factory="F0000001" if role == "factory" else None)
        assert_no_exception(at, role)
        assert pages_for(role), role


def test_no_snapshot_says_how_to_build_one(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("SUPPLY_DATA", str(tmp_path))
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert any("make demo" in i.value for i in at.info)


def test_demo_banner_is_visible(app_env):
    at = open_app("en")
    assert any("Demo mode" in w.value for w in at.sidebar.warning)
