"""Browser walk (issue 15): every page, for every role, in Chinese and English, in Debian's chromium.

Fails on "None", "nan", "NaN" or a traceback anywhere on the page, on English words left in
the Chinese page (outside the allow-list in tests/browser.py: ids, units, LQ, HHI, file
formats), on Chinese in an English page's widget labels, headings and captions, and on a
chart whose text is in the wrong language. Data (factory, county, school names) is Chinese
in both languages and is not checked in English. Tables are drawn on a canvas, so their
cells are checked by the AppTest scan (tests/test_i18n_zh_pages.py), not here.

Screenshots of every page go to ``$BROWSER_SHOTS`` (a temporary directory otherwise).
"""

from __future__ import annotations

import os
import re

import pytest

from supply.i18n import t
from supply.nav import pages_for
from tests.browser import (
    bad_values,
    choose,
    chromium,
    exceptions,
    have_chromium,
    open_app,
    open_page,
    screenshot,
    serve,
    untranslated,
    wait_for_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
ROLES = ("planner", "association", "factory", "admin")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Streamlit's own texts that cannot be translated (listed in the issue note): left out of the scan.
STREAMLIT_OWN = re.compile(r"Press Enter to apply|Running\.\.\.|Deploy|\b[a-z]+(?:_[a-z]+)+\b")
# Labels in English pages that are data or the language switch, not interface text.
EN_LABEL_OK = ("语言", "中文")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go."""
    path = os.environ.get("BROWSER_SHOTS")
    return tmp_path_factory.mktemp("walk") if not path else os.path.abspath(path)


_TEXT_WITHOUT_ICONS = """(sel) => {
  const icons = [...document.querySelectorAll(
    '[data-testid="stIconMaterial"], [data-testid="stSidebar"] [data-testid="stRadio"]')];
  const was = icons.map(i => i.style.display);
  icons.forEach(i => { i.style.display = 'none'; });
  const text = [...document.querySelectorAll(sel)].map(e => e.innerText).join('\\n');
  icons.forEach((i, k) => { i.style.display = was[k]; });
  return text;
}"""


def _visible_text(page) -> str:
    """What a person reads in the main area and the sidebar (with chart text). Left out: icon
    ligatures ("upload", "filter_alt": names of pictures, not words) and the language switch,
    which names both languages on purpose."""
    parts = [page.evaluate(_TEXT_WITHOUT_ICONS, '[data-testid="stMain"], [data-testid="stSidebar"]')]
    parts += page.locator(".js-plotly-plot .main-svg text").all_text_contents()
    text = "\n".join(parts)
    return STREAMLIT_OWN.sub(" ", text)


def _interface_labels(page) -> list[str]:
    """Widget labels, headings, tabs, buttons and metric labels: interface text, not data.

    Captions are left out: they name factories, schools and counties, whose names are Chinese data.
    """
    sel = (
        '[data-testid="stWidgetLabel"], [data-testid="stMain"] h1, [data-testid="stMain"] h2, '
        '[data-testid="stMain"] h3, [data-baseweb="tab"], [data-testid="stMain"] button p, '
        '[data-testid="stMetricLabel"]'
    )
    return [STREAMLIT_OWN.sub(" ", x) for x in page.locator(sel).all_inner_texts()]


def _switch_language(page, lang: str) -> None:
    label = "English" if lang == "en" else "中文"
    page.locator('[data-testid="stSidebar"] [data-testid="stRadio"] label').filter(
        has_text=label
    ).first.click()
    wait_for_app(page)


_CHART_LOCALES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map(g => (g._context || {}).locale || 'en-US')"""


def _problems(page, lang: str) -> list[str]:
    text = _visible_text(page)
    want = "zh-CN" if lang == "zh" else "en-US"
    wrong = [loc for loc in page.evaluate(_CHART_LOCALES) if loc != want]
    found_locale = [f"a chart in locale {loc}, not {want}" for loc in wrong]
    found = found_locale + [f"shows {v!r}" for v in bad_values(text)]
    found += [f"exception: {e[:200]}" for e in exceptions(page)]
    if lang == "zh":
        words = untranslated(text)
        if words:
            found.append(f"English words in the Chinese page: {words[:30]}")
    else:
        for label in _interface_labels(page):
            if CJK.search(label) and not any(ok in label for ok in EN_LABEL_OK):
                found.append(f"Chinese interface text in the English page: {label[:120]!r}")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_for_every_role(tiny_data, shots, lang):
    # a server of its own per language: a second browser session on a server that has just
    # walked every page could wait behind the first one's last runs on a loaded machine
    with serve(tiny_data) as server, chromium() as page:
        open_app(page, server)
        if lang == "en":
            _switch_language(page, "en")
        view_as = t("app.view_as", lang)
        failures = []
        for role in ROLES:
            choose(page, view_as, t(f"role.{role}", lang))
            for spec in pages_for(role):
                open_page(page, spec.key)
                path = screenshot(page, shots, f"{lang}-{role}-{spec.key}")
                failures += [f"{spec.key} as {role} ({path.name}): {p}" for p in _problems(page, lang)]
        assert not failures, "\n".join(failures)
