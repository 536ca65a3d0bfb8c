"""Sign-in limits an attacker cannot turn against everyone else (issue 16, finding 9, continued).

Before: one source spraying names spent the global budget of password checks, so every
visitor saw "busy"; failing on a known name from anywhere held its owner at 5-minute waits.
"""

from __future__ import annotations

from auth_helpers import PASSWORD, write_users

from supply.access import users as access
from tests.test_access import OWNER, FakeClock

ATTACKER, OWNER_HOME, ELSEWHERE = "6.6.6.6", "5.5.5.5", "7.7.7.7"


def _users(tmp_path):
    return access.load_users(write_users(tmp_path / "u.toml", OWNER))


def test_one_address_cannot_spend_the_global_budget_of_password_checks(tmp_path):
    users, clock = _users(tmp_path), FakeClock()
    limiter = access.RateLimiter(clock=clock)
    for second in range(60):  # a spray of new names from one address, 5 a second for a minute
        for i in range(5):
            access.sign_in(users, f"spray{second}-{i}", "nope", ATTACKER, limiter)
        if second % 2 == 0:  # meanwhile someone new signs in every other second, each from their address
            answer = access.sign_in(users, "wang", PASSWORD, f"8.8.{second}.1", limiter)
            assert answer.user is not None, (second, answer)
        clock.now += 1.0
    checked = sum(1 for _ in range(10) if limiter.take_check(ATTACKER) == 0.0)
    assert checked <= 1  # the attacker gets only its own trickle (one check per 5 s)


def test_a_guesser_holds_a_name_at_most_a_minute_from_another_address(tmp_path):
    users, clock = _users(tmp_path), FakeClock()
    limiter = access.RateLimiter(rate=100, burst=100, client_rate=100, client_burst=100, clock=clock)
    for _ in range(20):  # the guesser waits out every back-off and tries again
        clock.now += limiter.retry_after("wang", ATTACKER)
        assert access.sign_in(users, "wang", "guess", ATTACKER, limiter).error == "access.bad_credentials"
    assert limiter.retry_after("wang", ATTACKER) == 300  # the guessing address waits 5 minutes
    owner_wait = limiter.retry_after("wang", ELSEWHERE)
    assert 0 < owner_wait <= 60  # the owner on another address waits a minute at most
    clock.now += owner_wait
    assert access.sign_in(users, "wang", PASSWORD, ELSEWHERE, limiter).user is not None


def test_a_known_good_client_is_neither_held_by_the_guesser_nor_by_a_spent_budget(tmp_path):
    users, clock = _users(tmp_path), FakeClock()
    state = tmp_path / "signin_limits.json"
    limiter = access.RateLimiter(state, clock=clock)
    assert access.sign_in(users, "wang", PASSWORD, OWNER_HOME, limiter).user is not None  # known-good now
    for i in range(5):  # a guesser on the name ...
        access.sign_in(users, "wang", "guess", ATTACKER, limiter)
    for i in range(30):  # ... and a spray of names from many addresses, all in one second
        access.sign_in(users, f"spray{i}", "guess", f"10.0.0.{i}", limiter)
    assert access.sign_in(users, "nobody", "x", "10.9.9.9", limiter).error in (
        "access.busy",
        "access.too_many",
    )
    assert limiter.retry_after("wang", ELSEWHERE) > 0  # an unknown address must wait on this name
    restarted = access.RateLimiter(state, clock=clock)  # the marks survive a server restart
    assert restarted.retry_after("wang", OWNER_HOME) == 0
    for _ in range(int(restarted._global.burst) + 1):  # spend the global budget in the new process too
        restarted._global.take(clock())
    assert access.sign_in(users, "wang", PASSWORD, OWNER_HOME, restarted).user is not None
    assert "5.5.5.5" not in state.read_text()  # addresses are kept only as hashes
