"""Sign-in checks that cannot lock others out, the sign-in mode, and session settings.

* **Per-name back-off**: after ``FREE_FAILURES`` failed sign-ins of one user name (from any
  client: behind a proxy every client has the same address) each further attempt must wait
  ``BASE_DELAY`` seconds, doubling, at most ``MAX_DELAY``. Nobody is locked out: the owner
  of a name waits at most ``MAX_DELAY`` for the next try. Unknown names are counted like
  known ones, so the answer never tells whether a name exists.
* **A global rate on password checks**: each argon2 check costs about 0.7 s of CPU, so the
  whole process verifies at most ``CHECKS_PER_SECOND`` passwords a second (bursts of
  ``CHECK_BURST``); a spray of new names is limited by this.
* **Persisted**: the per-name counters live in ``<data>/signin_limits.json`` (written
  atomically under a lock), so a restart does not reset them.
* **Fail closed**: once a users file or OIDC has been configured for a users-file path,
  the app never falls back to demo mode when the file disappears; demo mode needs
  ``SUPPLY_DEMO=1`` or no configuration at all (``sign_in_mode``).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from supply.access.users import User, UsersFileError, check_password, users_path, users_path_is_explicit
from supply.data.files import atomic_write, exclusive

DEMO_ENV = "SUPPLY_DEMO"
IDLE_ENV = "SUPPLY_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30
FREE_FAILURES = 3  # failed sign-ins of one name before any wait
BASE_DELAY = 2.0  # seconds after the first failure beyond the free ones, doubling ...
MAX_DELAY = 300.0  # ... up to this: a name is never locked for longer
FORGET_AFTER = 24 * 3600.0  # a name with no failure for this long starts afresh
MAX_NAMES = 10_000  # counters kept (the oldest go first)
CHECKS_PER_SECOND = 1.0  # password checks of the whole process ...
CHECK_BURST = 5  # ... with bursts of this many
STATE_FILE = "signin_limits.json"


class SettingError(ValueError):
    """A setting in the environment is not valid; the message names it and the fix."""


class RateLimiter:
    """Per-name growing back-off plus a global rate on password checks; thread-safe, persisted."""

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        free: int = FREE_FAILURES,
        base: float = BASE_DELAY,
        cap: float = MAX_DELAY,
        rate: float = CHECKS_PER_SECOND,
        burst: int = CHECK_BURST,
        clock: Callable[[], float] = time.time,
    ):
        self.path = Path(path) if path else None
        self.free, self.base, self.cap, self.rate, self.burst, self.clock = (
            free,
            base,
            cap,
            rate,
            burst,
            clock,
        )
        self._names: dict[str, list[float]] = {}  # name -> [failures, time of the last failure]
        self._stamp = None
        self._tokens, self._filled = float(burst), clock()
        self._lock = threading.Lock()

    @staticmethod
    def key(username: str, client: str | None = None) -> str:
        """The counter key: the normalised user name (the client address is not part of it)."""
        return (username or "").strip().lower()[:128]

    def delay(self, failures: int) -> float:
        """Seconds to wait after this many failures in a row."""
        if failures < self.free:
            return 0.0
        return min(self.base * 2 ** min(failures - self.free, 30), self.cap)

    def _refresh(self) -> None:
        """Read the persisted counters again when another process changed them."""
        if self.path is None:
            return
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8")).get("names", {})
            self._names = {str(k): [float(v[0]), float(v[1])] for k, v in saved.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            self._names = {}  # a damaged file is replaced by the next write
        self._stamp = stamp

    def _save(self, name: str) -> None:
        """Merge this name's counter into the file (others' changes kept), atomically."""
        now = self.clock()
        entry = self._names.get(name)
        self._names = {k: v for k, v in self._names.items() if now - v[1] < FORGET_AFTER}
        if len(self._names) > MAX_NAMES:
            keep = sorted(self._names.items(), key=lambda kv: kv[1][1])[-MAX_NAMES:]
            self._names = dict(keep)
        if self.path is None:
            return
        with exclusive(self.path.with_name("." + self.path.name + ".lock")):
            self._stamp = None
            self._refresh()
            if entry is None:
                self._names.pop(name, None)
            else:
                self._names[name] = entry
            data = json.dumps({"names": self._names}, sort_keys=True).encode("utf-8")
            atomic_write(self.path, data, mode=0o600)
            st = self.path.stat()
            self._stamp = (st.st_mtime_ns, st.st_size, st.st_ino)

    def retry_after(self, username: str, client: str | None = None) -> float:
        """Seconds until this user name may try again (0 = now)."""
        with self._lock:
            self._refresh()
            failures, last = self._names.get(self.key(username), (0, 0.0))
            if self.clock() - last >= FORGET_AFTER:
                return 0.0
            return max(0.0, last + self.delay(int(failures)) - self.clock())

    def failed(self, username: str, client: str | None = None) -> None:
        """Record one failed sign-in of this name."""
        name = self.key(username)
        with self._lock:
            self._refresh()
            failures, last = self._names.get(name, (0, 0.0))
            if self.clock() - last >= FORGET_AFTER:
                failures = 0
            self._names[name] = [failures + 1, self.clock()]
            self._save(name)

    def succeeded(self, username: str, client: str | None = None) -> None:
        """Forget the failures of this name."""
        name = self.key(username)
        with self._lock:
            self._refresh()
            if self._names.pop(name, None) is not None:
                self._save(name)

    def take_check(self) -> float:
        """Take one password check from the global budget: 0 when granted, else seconds to wait."""
        with self._lock:
            now = self.clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._filled) * self.rate)
            self._filled = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


def limiter_path(data_dir: str | os.PathLike) -> Path:
    """Where the sign-in counters of a data directory are kept."""
    return Path(data_dir) / STATE_FILE


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or an error key and the seconds to wait."""

    user: User | None
    error: str | None = None
    seconds: int = 0


def sign_in(
    users: Mapping[str, User], username: str, password: str, client: str | None, limiter: RateLimiter
) -> SignIn:
    """Check a user name and password. A wrong password and an unknown user give the same answer."""
    username = (username or "").strip()
    wait = limiter.retry_after(username, client)
    if wait > 0:
        return SignIn(None, "access.too_many", seconds=math.ceil(wait))
    busy = limiter.take_check()
    if busy > 0:  # the server's budget of password checks is spent: not this name's failure
        return SignIn(None, "access.busy", seconds=math.ceil(busy))
    user = users.get(username.lower())
    ok = check_password(user.password_hash if user else None, password or "")
    if not ok or user is None:
        limiter.failed(username, client)
        return SignIn(None, "access.bad_credentials")
    limiter.succeeded(username, client)
    return SignIn(user)


# -- settings and the sign-in mode ------------------------------------------------------------


def idle_seconds() -> float:
    """Idle time after which a session must sign in again ($SUPPLY_IDLE_MINUTES, default 30)."""
    raw = os.environ.get(IDLE_ENV, "").strip()
    if not raw:
        return DEFAULT_IDLE_MINUTES * 60.0
    try:
        minutes = float(raw)
    except ValueError:
        minutes = float("nan")
    if not math.isfinite(minutes) or minutes <= 0:
        raise SettingError(
            f"{IDLE_ENV}={raw!r} is not a number of minutes above 0; set it to e.g. "
            f"{IDLE_ENV}=30, or unset it for the default of {DEFAULT_IDLE_MINUTES} minutes."
        )
    return minutes * 60.0


def session_expired(last_seen: float | None, now: float, idle: float) -> bool:
    """True when a session last active at ``last_seen`` has been idle longer than ``idle`` seconds."""
    return last_seen is not None and now - last_seen > idle


_CONFIGURED: set[str] = set()  # users-file paths this process has seen configured


def marker_path(path: Path) -> Path:
    """The file that records that sign-in was configured for this users-file path."""
    return path.with_name(f".{path.name}.configured")


def mark_configured(path: Path) -> None:
    """Record (in this process and beside the users file) that sign-in is configured."""
    _CONFIGURED.add(str(path))
    marker = marker_path(path)
    if not marker.exists():
        try:
            atomic_write(marker, b"sign-in is configured for this users file; see supply/access/signin.py\n")
        except OSError:  # a read-only directory: this process still remembers
            pass


def demo_reason() -> str:
    """Why demo mode is on: 'explicit' ($SUPPLY_DEMO=1) or 'unconfigured'."""
    return "explicit" if os.environ.get(DEMO_ENV, "").strip() == "1" else "unconfigured"


def sign_in_mode(data_dir, oidc: bool) -> str:
    """demo, users or oidc; UsersFileError when a configured deployment lost its users file."""
    flag = os.environ.get(DEMO_ENV, "").strip()
    if flag not in ("", "0", "1"):
        raise SettingError(f"{DEMO_ENV}={flag!r}: use {DEMO_ENV}=1 for the open demo, or unset it.")
    if flag == "1":
        return "demo"
    path = users_path(data=data_dir)
    if oidc:
        mark_configured(path)
        return "oidc"
    if path.exists():
        mark_configured(path)
        return "users"
    if users_path_is_explicit():
        return "users"  # named but missing: identify() reports it
    if str(path) in _CONFIGURED or marker_path(path).exists():
        raise UsersFileError(
            f"{path}: the users file is missing, but sign-in was configured for this deployment "
            f"(recorded in {marker_path(path)}). The dashboard does not fall back to demo mode: "
            "restore the users file (or add users with `python -m supply users add`). To run the "
            f"open demo on purpose, start it with {DEMO_ENV}=1."
        )
    return "demo"
