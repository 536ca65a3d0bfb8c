"""Sign-in checks that cannot lock others out, the sign-in mode, and session settings.

* **Back-off per name, and per name and address**: after ``FREE_FAILURES`` failed sign-ins of
  one user name each further attempt must wait ``BASE_DELAY`` seconds, doubling. Counted over
  every client (behind a proxy all clients share one address) the wait stops at
  ``NAME_MAX_DELAY`` (60 s): whoever fails on a name can hold its owner, on another address,
  at one try a minute at most. Counted per name and client address it grows to ``MAX_DELAY``
  (5 minutes), so the address doing the guessing is slowed much more. Nobody is locked out.
  Unknown names are counted like known ones, so the answer never tells whether a name exists.
* **Known-good clients**: a name that signed in successfully from an address (kept 30 days,
  stored as a hash, never the address itself) skips the per-name wait there, and its password
  checks come from a reserved budget (``KNOWN_PER_SECOND``), so neither a guesser of that name
  elsewhere nor a flood of sign-ins holds it up. (A browser cookie would mark a device better
  than its address; Streamlit gives the server no way to set one, so the address stands in.)
* **Password checks are rationed**: each argon2 check costs about 0.7 s of CPU. One client
  address gets ``CLIENT_PER_SECOND`` checks a second (bursts of ``CLIENT_BURST``), and the whole
  process ``CHECKS_PER_SECOND`` (bursts of ``CHECK_BURST``), so one source cannot spend the
  global budget and make everyone see "busy"; many sources still can, which is why returning
  users have their own budget. Behind a proxy that hides client addresses, the per-address
  budget is the global one: configure the proxy to pass the address (Streamlit's
  ``server.trustedProxies`` / X-Forwarded-For) to get it back.
* **Persisted**: counters and known-good marks live in ``<data>/signin_limits.json`` (written
  atomically under a lock), so a restart does not reset them; the token budgets refill within
  seconds and are kept in memory only.
* **Fail closed**: once a users file or OIDC has been configured for a users-file path,
  the app never falls back to demo mode when the file disappears; demo mode needs
  ``SUPPLY_DEMO=1`` or no configuration at all (``sign_in_mode``).
"""

from __future__ import annotations

import hashlib
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
MAX_DELAY = 300.0  # ... up to this for one name from one address
NAME_MAX_DELAY = 60.0  # ... and up to this for one name from any address
FORGET_AFTER = 24 * 3600.0  # a name with no failure for this long starts afresh
KNOWN_FOR = 30 * 24 * 3600.0  # a successful sign-in marks name + address known-good this long
MAX_NAMES = 10_000  # counters kept per kind (the oldest go first)
CHECKS_PER_SECOND = 1.0  # password checks of the whole process ...
CHECK_BURST = 10  # ... with bursts of this many
CLIENT_PER_SECOND = 0.2  # password checks of one client address ...
CLIENT_BURST = 3  # ... with bursts of this many
KNOWN_PER_SECOND = 0.5  # checks reserved for known-good name + address pairs ...
KNOWN_BURST = 3  # ... with bursts of this many
STATE_FILE = "signin_limits.json"
_SECTIONS = ("names", "pairs", "known")


class SettingError(ValueError):
    """A setting in the environment is not valid; the message names it and the fix."""


class _Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.filled = rate, float(burst), float(burst), now

    def take(self, now: float) -> float:
        """0 when a token was taken, else the seconds until one is there."""
        self.tokens = min(self.burst, self.tokens + (now - self.filled) * self.rate)
        self.filled = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def give_back(self) -> None:
        self.tokens = min(self.burst, self.tokens + 1.0)


class RateLimiter:
    """Growing back-off per name and per name + address, and budgets of password checks.

    Thread-safe; counters and known-good marks persisted (see the module docstring).
    """

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        free: int = FREE_FAILURES,
        base: float = BASE_DELAY,
        cap: float = MAX_DELAY,
        name_cap: float = NAME_MAX_DELAY,
        rate: float = CHECKS_PER_SECOND,
        burst: int = CHECK_BURST,
        client_rate: float = CLIENT_PER_SECOND,
        client_burst: int = CLIENT_BURST,
        known_rate: float = KNOWN_PER_SECOND,
        known_burst: int = KNOWN_BURST,
        clock: Callable[[], float] = time.time,
    ):
        self.path = Path(path) if path else None
        self.free, self.base, self.cap, self.name_cap, self.clock = free, base, cap, min(name_cap, cap), clock
        self.client_rate, self.client_burst = client_rate, client_burst
        self._state: dict[str, dict] = {k: {} for k in _SECTIONS}
        self._stamp = None
        self._global = _Bucket(rate, burst, clock())
        self._known_bucket = _Bucket(known_rate, known_burst, clock())
        self._clients: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def _names(self) -> dict:
        return self._state["names"]

    @staticmethod
    def key(username: str, client: str | None = None) -> str:
        """The per-name counter key: the normalised user name (the address is not part of it)."""
        return (username or "").strip().lower()[:128]

    @classmethod
    def pair(cls, username: str, client: str | None) -> str:
        """The per-name-and-address key: a hash, so the file never holds client addresses."""
        text = f"{cls.key(username)}\0{client or 'unknown'}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def delay(self, failures: int, cap: float | None = None) -> float:
        """Seconds to wait after this many failures in a row (capped at ``cap``, else the pair cap)."""
        if failures < self.free:
            return 0.0
        return min(self.base * 2 ** min(failures - self.free, 30), self.cap if cap is None else cap)

    def _refresh(self) -> None:
        """Read the persisted state again when another process changed it."""
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
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            self._state = {
                "names": {str(k): [float(v[0]), float(v[1])] for k, v in saved.get("names", {}).items()},
                "pairs": {str(k): [float(v[0]), float(v[1])] for k, v in saved.get("pairs", {}).items()},
                "known": {str(k): float(v) for k, v in saved.get("known", {}).items()},
            }
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            self._state = {k: {} for k in _SECTIONS}  # a damaged file is replaced by the next write
        self._stamp = stamp

    def _prune(self) -> None:
        now = self.clock()
        for section in ("names", "pairs"):
            kept = {k: v for k, v in self._state[section].items() if now - v[1] < FORGET_AFTER}
            if len(kept) > MAX_NAMES:
                kept = dict(sorted(kept.items(), key=lambda kv: kv[1][1])[-MAX_NAMES:])
            self._state[section] = kept
        known = {k: v for k, v in self._state["known"].items() if v > now}
        if len(known) > MAX_NAMES:
            known = dict(sorted(known.items(), key=lambda kv: kv[1])[-MAX_NAMES:])
        self._state["known"] = known

    def _save(self, changes: list[tuple[str, str]]) -> None:
        """Merge these (section, key) entries into the file (others' changes kept), atomically."""
        entries = [(sec, k, self._state[sec].get(k)) for sec, k in changes]
        self._prune()
        if self.path is None:
            return
        with exclusive(self.path.with_name("." + self.path.name + ".lock")):
            self._stamp = None
            self._refresh()
            for sec, k, entry in entries:
                if entry is None:
                    self._state[sec].pop(k, None)
                else:
                    self._state[sec][k] = entry
            self._prune()
            data = json.dumps(self._state, sort_keys=True).encode("utf-8")
            atomic_write(self.path, data, mode=0o600)
            st = self.path.stat()
            self._stamp = (st.st_mtime_ns, st.st_size, st.st_ino)

    def _wait(self, section: str, key: str, cap: float) -> float:
        failures, last = self._state[section].get(key, (0, 0.0))
        if self.clock() - last >= FORGET_AFTER:
            return 0.0
        return max(0.0, last + self.delay(int(failures), cap) - self.clock())

    def known(self, username: str, client: str | None) -> bool:
        """Whether this name signed in successfully from this client within ``KNOWN_FOR``."""
        with self._lock:
            self._refresh()
            return self._state["known"].get(self.pair(username, client), 0.0) > self.clock()

    def retry_after(self, username: str, client: str | None = None) -> float:
        """Seconds until this user name may try again from this client (0 = now)."""
        pair = self.pair(username, client)
        with self._lock:
            self._refresh()
            by_pair = self._wait("pairs", pair, self.cap)
            if self._state["known"].get(pair, 0.0) > self.clock():
                return by_pair  # a known-good client is not held up by others failing on its name
            return max(by_pair, self._wait("names", self.key(username), self.name_cap))

    def failed(self, username: str, client: str | None = None) -> None:
        """Record one failed sign-in of this name (from this client)."""
        keys = [("names", self.key(username)), ("pairs", self.pair(username, client))]
        with self._lock:
            self._refresh()
            now = self.clock()
            for section, k in keys:
                failures, last = self._state[section].get(k, (0, 0.0))
                if now - last >= FORGET_AFTER:
                    failures = 0
                self._state[section][k] = [failures + 1, now]
            self._save(keys)

    def succeeded(self, username: str, client: str | None = None) -> None:
        """Forget the failures of this name and mark this client known-good for it."""
        pair = self.pair(username, client)
        with self._lock:
            self._refresh()
            self._state["names"].pop(self.key(username), None)
            self._state["pairs"].pop(pair, None)
            self._state["known"][pair] = self.clock() + KNOWN_FOR
            self._save([("names", self.key(username)), ("pairs", pair), ("known", pair)])

    def take_check(self, client: str | None = None, known: bool = False) -> float:
        """Take one password check from the budgets: 0 when granted, else seconds to wait.

        A known-good name + client draws on its reserved budget first. Otherwise the client's
        own budget and the global one must both have a check left.
        """
        with self._lock:
            now = self.clock()
            if known and self._known_bucket.take(now) == 0.0:
                return 0.0
            bucket = None
            if client is not None:
                bucket = self._clients.get(client)
                if bucket is None:
                    if len(self._clients) >= MAX_NAMES:  # forget the longest idle
                        del self._clients[min(self._clients, key=lambda c: self._clients[c].filled)]
                    bucket = self._clients[client] = _Bucket(self.client_rate, self.client_burst, now)
                wait = bucket.take(now)
                if wait > 0:
                    return wait
            wait = self._global.take(now)
            if wait > 0 and bucket is not None:
                bucket.give_back()  # refused by the global budget: this client's check was not used
            return wait


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
    busy = limiter.take_check(client, known=limiter.known(username, client))
    if busy > 0:  # a budget of password checks is spent: not this name's failure
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
