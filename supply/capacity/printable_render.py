"""Print a standalone HTML report with the system chromium (Playwright): a PDF, or a PNG to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--headless=new",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _with_page(html_text: str, action: Callable) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1123, "height": 794})
            page.set_content(html_text, wait_until="load")
            action(page)
        finally:
            browser.close()


def render_pdf(html_text: str, path: str | Path) -> Path:
    """Print the HTML to an A4-landscape PDF with the system chromium."""
    path = Path(path)
    _with_page(
        html_text, lambda page: page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    )
    return path


def render_png(html_text: str, path: str | Path) -> Path:
    """A full-page PNG of the HTML as printed (print media), to look at the layout."""
    path = Path(path)

    def shoot(page):
        page.emulate_media(media="print")
        page.screenshot(path=str(path), full_page=True)

    _with_page(html_text, shoot)
    return path
