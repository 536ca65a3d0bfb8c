"""Users, roles, scopes, password hashing and sign-in checks (DESIGN.md section 6).

The app signs people in one of three ways, chosen on the server, never by the browser:

* **demo** - ``SUPPLY_DEMO=1``, or nothing configured at all: a visible "view as" picker
  (ui/auth.py). A deployment once configured never falls back to it (signin.py).
* **users file** - a TOML file of users with argon2id password hashes, roles and scopes
  (``$SUPPLY_USERS``, else ``<data dir>/users.toml``); sign-in is required.
* **OIDC** - ``[auth]`` is configured in Streamlit's secrets: ``st.login`` proves who the
  person is, and the role and scope come from the same users file, keyed by e-mail.

The users file looks like this (``python -m supply users add`` writes it)::

    [[users]]
    username = "wang"
    role = "factory"
    factory_id = "F0000001"
    email = "wang@example.com"      # optional; needed for OIDC sign-in
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$..."

A file that cannot be read or fails validation raises ``UsersFileError`` naming the file
and line; the app then stops instead of falling back to demo mode. Nothing here imports
streamlit.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import threading
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from supply.data.config import data_dir as resolve_data_dir
from supply.engine.db import ROLES, Viewer

USERS_ENV = "SUPPLY_USERS"
MIN_PASSWORD_LENGTH = 8

_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FIELDS = ("username", "role", "factory_id", "cluster_id", "email", "password_hash")
_HEADER_RE = re.compile(r"^\s*\[\[\s*users\s*\]\]\s*(#.*)?$")
_TOML_LINE_RE = re.compile(r"at line (\d+)")
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the user name is unknown, so an unknown user costs the time a known one does."""
    return _HASHER.hash("not a real password, only here to spend the same time")


class UsersFileError(Exception):
    """The users file cannot be read or is invalid; the message names the file and line."""


@dataclass(frozen=True)
class User:
    """One entry of the users file."""

    username: str
    role: str
    factory_id: str | None = None
    cluster_id: str | None = None
    email: str | None = None
    password_hash: str | None = None

    def viewer(self) -> Viewer:
        """The data scope of this user."""
        return Viewer(self.role, factory_id=self.factory_id, cluster_id=self.cluster_id, user=self.username)

    def as_dict(self) -> dict:
        """The fields that are set, in file order."""
        return {k: getattr(self, k) for k in _FIELDS if getattr(self, k) is not None}


# -- the users file ------------------------------------------------------------------------


def users_path(explicit: str | os.PathLike | None = None, data: str | os.PathLike | None = None) -> Path:
    """Where the users file is: ``explicit``, else ``$SUPPLY_USERS``, else <data dir>/users.toml."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(USERS_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return resolve_data_dir(data) / "users.toml"


def users_path_is_explicit() -> bool:
    """True when $SUPPLY_USERS names the file: then a missing file is an error, not demo mode."""
    return bool(os.environ.get(USERS_ENV))


def _entry_lines(text: str) -> list[int]:
    """1-based line number of each ``[[users]]`` header, in order."""
    return [i for i, line in enumerate(text.splitlines(), start=1) if _HEADER_RE.match(line)]


def _key_line(text: str, start: int, key: str) -> int:
    """Line of ``key = ...`` in the entry that starts at line ``start`` (else ``start``)."""
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):  # lines[start] is the line after the header
        if _HEADER_RE.match(lines[i]):
            break
        if pattern.match(lines[i]):
            return i + 1
    return start


def parse_users(text: str, path: Path) -> dict[str, User]:
    """Validate the text of a users file; UsersFileError names the file, the line and the fix."""
    where = str(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE_RE.search(str(exc))
        line = f"line {m.group(1)}" if m else "line ?"
        raise UsersFileError(
            f"{where}, {line}: not valid TOML ({exc}). Fix that line, or restore "
            "the file from a backup; the app will not start until it reads."
        ) from exc
    extra = sorted(set(doc) - {"users"})
    if extra:
        raise UsersFileError(
            f"{where}: unknown top-level key(s) {extra}; the file holds only [[users]] entries."
        )
    entries = doc.get("users", [])
    if not isinstance(entries, list):
        raise UsersFileError(f"{where}: 'users' must be a list of [[users]] tables.")
    starts = _entry_lines(text)
    users: dict[str, User] = {}
    emails: dict[str, str] = {}
    for i, entry in enumerate(entries):
        start = starts[i] if i < len(starts) else 1

        def fail(msg: str, key: str | None = None) -> UsersFileError:
            line = _key_line(text, start, key) if key else start
            return UsersFileError(f"{where}, line {line} (user #{i + 1}): {msg}")

        if not isinstance(entry, dict):
            raise fail("each entry must be a [[users]] table")
        unknown = sorted(set(entry) - set(_FIELDS))
        if unknown:
            raise fail(f"unknown key(s) {unknown}; allowed: {', '.join(_FIELDS)}", unknown[0])
        for key, value in entry.items():
            if not isinstance(value, str):
                raise fail(f"{key} must be a quoted string", key)
        name = entry.get("username", "")
        if not _USERNAME_RE.match(name):
            raise fail("username is missing or invalid; use 1-64 letters, digits or . _ @ + -", "username")
        if name.lower() in users:
            raise fail(f"username {name!r} appears twice; remove one entry", "username")
        role = entry.get("role", "")
        if role not in ROLES:
            raise fail(f"role {role!r} is not one of {', '.join(ROLES)}", "role")
        factory_id = entry.get("factory_id") or None
        cluster_id = entry.get("cluster_id") or None
        if role == "factory" and not factory_id:
            raise fail('a factory owner needs factory_id = "F..."', "role")
        if role != "factory" and factory_id:
            raise fail(f"factory_id is only for the factory role, not {role!r}", "factory_id")
        if role == "association" and not cluster_id:
            raise fail('an association needs cluster_id = "..."', "role")
        email = entry.get("email") or None
        if email is not None:
            if not _EMAIL_RE.match(email):
                raise fail(f"email {email!r} is not an e-mail address", "email")
            if email.lower() in emails:
                raise fail(f"email {email!r} is also used by {emails[email.lower()]!r}", "email")
            emails[email.lower()] = name
        password_hash = entry.get("password_hash") or None
        if password_hash is not None and not password_hash.startswith("$argon2"):
            raise fail(
                "password_hash is not an argon2 hash; set the password with "
                "`python -m supply users add --update`",
                "password_hash",
            )
        if password_hash is None and email is None:
            raise fail("the user can never sign in: give a password_hash or an email (OIDC)")
        users[name.lower()] = User(name, role, factory_id, cluster_id, email, password_hash)
    return users


_CACHE: dict[Path, tuple[tuple, dict[str, User]]] = {}
_CACHE_LOCK = threading.Lock()


def load_users(path: str | os.PathLike) -> dict[str, User]:
    """Read and validate the users file (re-read when it changes); key is the lower-case name."""
    path = Path(path)
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with _CACHE_LOCK:
            hit = _CACHE.get(path)
        if hit and hit[0] == stamp:
            return hit[1]
        raw = path.read_bytes()
    except OSError as exc:
        raise UsersFileError(f"{path}: cannot read the users file ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsersFileError(f"{path}, line {line}: not UTF-8 text; save the file as UTF-8.") from exc
    users = parse_users(text, path)
    with _CACHE_LOCK:
        _CACHE[path] = (stamp, users)
    return users


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def render_users(users: Mapping[str, User]) -> str:
    """The TOML text of a users file."""
    out = [
        "# Users of the cluster supply dashboard (DESIGN.md section 6).",
        "# Manage with `python -m supply users add|remove|list`. Passwords are argon2id hashes.",
        "",
    ]
    for user in sorted(users.values(), key=lambda u: u.username.lower()):
        out.append("[[users]]")
        out += [f"{k} = {_toml_string(v)}" for k, v in user.as_dict().items()]
        out.append("")
    return "\n".join(out)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Exclusive lock for a read-modify-write of the users file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def save_users(path: str | os.PathLike, users: Mapping[str, User]) -> None:
    """Write the users file atomically (temporary file, fsync, rename), readable by its owner only."""
    path = Path(path)
    text = render_users(users)
    parse_users(text, path)  # never write a file that would not load
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    from supply.access.signin import mark_configured

    mark_configured(path.resolve())  # from now on a missing file is an error, never demo mode


# -- passwords and sign-in -----------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches the hash; a missing hash costs the same time and fails."""
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def user_for_email(
    users: Mapping[str, User], email: str | None, email_verified: bool | None = None
) -> User | None:
    """The user an OIDC identity maps to, by e-mail (case-insensitive); None when not listed."""
    if not email or email_verified is False:
        return None
    wanted = email.strip().lower()
    for user in users.values():
        if user.email and user.email.lower() == wanted:
            return user
    return None


# Sign-in limits, the sign-in mode and session settings live in signin.py; their names are
# also offered here (looked up on first use, as signin.py imports this module).
_FROM_SIGNIN = (
    "DEMO_ENV",
    "IDLE_ENV",
    "RateLimiter",
    "SettingError",
    "SignIn",
    "demo_reason",
    "idle_seconds",
    "limiter_path",
    "session_expired",
    "sign_in",
    "sign_in_mode",
)


def __getattr__(name: str):
    """Names of supply.access.signin, offered by this module too."""
    if name in _FROM_SIGNIN:
        from supply.access import signin

        return getattr(signin, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
