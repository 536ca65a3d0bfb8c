"""Helpers shared by the sign-in and leak tests: users files, AppTest runs through the real router."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from supply.access import users as access

ENTRY = Path(__file__).resolve().parent.parent / "dashboard.py"
TIMEOUT = 120
PASSWORD = "correct horse battery"
# Cheap argon2 parameters keep the tests fast; the app verifies whatever the hash says.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def write_users(path: Path, *users: dict) -> Path:
    """A users file with these entries (password PASSWORD unless 'password_hash' is given)."""
    entries = {}
    for u in users:
        u = dict(u)
        if "password_hash" not in u and not u.pop("oidc_only", False):
            u["password_hash"] = _FAST.hash(PASSWORD)
        entries[u["username"].lower()] = access.User(**u)
    access.save_users(path, entries)
    return path


def route_like_the_server(monkeypatch) -> None:
    """Make AppTest run dashboard.py on every run, as the real server does.

    A folder named ``pages/`` next to the entry point would put Streamlit in its legacy
    multipage mode, in which AppTest runs a switched-to page file on its own (without the
    sidebar, sign-in or scope). The pages now live in ``app_pages/``; this guard keeps
    every run going through the router even if such a folder appears again.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def new_app(lang: str = "en") -> AppTest:
    """An AppTest of the entry point in a language (not run yet)."""
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    return at


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and submit the sign-in form."""
    at.text_input(key="sign_in_user").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()
    return at.run()
