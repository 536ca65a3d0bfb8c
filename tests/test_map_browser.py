"""Browser test of the cluster map: the deck.gl canvas renders with no tile server, and the
tooltip over a factory is in the chosen language (Debian's headless chromium)."""

from __future__ import annotations

import io

import pytest

from supply.i18n import t
from tests.browser import (
    choose,
    chromium,
    exceptions,
    have_chromium,
    open_app,
    open_page,
    screenshot,
    serve,
    wait_for_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'


def _hover_until_tooltip(page, words: tuple[str, ...]) -> str | None:
    """Move over a grid of points on the map until deck.gl shows a tooltip with one of ``words``."""
    box = page.locator('[data-testid="stDeckGlJsonChart"]').bounding_box()
    for fy in (0.3, 0.4, 0.5, 0.6, 0.7):
        for fx in (0.3, 0.4, 0.5, 0.6, 0.7):
            x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
            page.mouse.move(x - 4, y - 4)
            page.mouse.move(x, y, steps=4)
            page.wait_for_timeout(300)
            tip = page.locator(".deck-tooltip")
            if tip.count() and tip.first.evaluate("e => getComputedStyle(e).display") != "none":
                text = tip.first.inner_text()
                if any(w in text for w in words):
                    return text
    return None


def _check_map(page, lang: str, shots) -> None:
    """The map page in ``lang``: title, a drawn canvas, and a factory tooltip in that language."""
    from PIL import Image

    page.wait_for_selector(CANVAS, state="attached")
    wait_for_app(page)
    assert exceptions(page) == []
    assert page.locator("h1").first.inner_text().strip() == t("map.title", lang)
    canvas = page.locator(CANVAS).first
    box = canvas.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    page.wait_for_timeout(1000)
    pixels = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    assert len(set(pixels.getdata())) > 20, "the deck.gl canvas is blank"
    text = _hover_until_tooltip(page, ("员工", "employees"))
    screenshot(page, shots, f"map-{lang}")
    assert text, "no factory tooltip appeared"
    assert ("员工" in text) == (lang == "zh") and ("employees" in text) == (lang == "en")
    assert "周产能" not in text and "weekly capacity" not in text  # planners see no factory capacity


def test_map_canvas_renders_offline_with_tooltips_in_both_languages(tiny_data, tmp_path):
    with serve(tiny_data) as url, chromium() as page:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        open_app(page, url)
        choose(page, t("app.view_as", "zh"), t("role.planner", "zh"))
        open_page(page, "map")
        _check_map(page, "zh", tmp_path)
        page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
        wait_for_app(page)
        _check_map(page, "en", tmp_path)
        assert not [u for u in requests if "cartocdn" in u or "mapbox" in u], "a tile basemap was loaded"
