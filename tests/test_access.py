"""Sign-in: users file, hashing, same answer for wrong password and unknown user, rate limit,
idle expiry, corrupt file, OIDC mapping by e-mail, and the `users` command."""

from __future__ import annotations

import io
import os
import stat

import pytest
from auth_helpers import PASSWORD, new_app, route_like_the_server, sign_in, write_users

from supply import cli
from supply.access import users as access

OWNER = {"username": "wang", "role": "factory", "factory_id": "F0000001"}
ASSOC = {"username": "li", "role": "association", "cluster_id": "zhili", "email": "li@example.com"}
ADMIN = {"username": "root", "role": "admin"}


@pytest.fixture()
def users_env(app_env, tmp_path, monkeypatch):
    """A users file with a factory owner, an association and an admin; $SUPPLY_USERS points at it."""
    path = write_users(tmp_path / "users.toml", OWNER, ASSOC, ADMIN)
    monkeypatch.setenv("SUPPLY_USERS", str(path))
    route_like_the_server(monkeypatch)
    return path


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- hashing and the file ------------------------------------------------------------------


def test_passwords_are_argon2id_and_checked():
    h = access.hash_password("s3cret-passwörd")
    assert h.startswith("$argon2id$") and "s3cret" not in h
    assert access.check_password(h, "s3cret-passwörd")
    assert not access.check_password(h, "s3cret-password")
    assert not access.check_password(None, "anything at all")
    assert not access.check_password("not a hash", "anything at all")
    with pytest.raises(ValueError, match="at least 8"):
        access.hash_password("short")


def test_users_file_round_trip_is_private(tmp_path):
    path = write_users(tmp_path / "users.toml", OWNER, ASSOC, ADMIN)
    users = access.load_users(path)
    assert sorted(users) == ["li", "root", "wang"]
    assert users["wang"].viewer().factory_id == "F0000001"
    assert users["li"].viewer().cluster_id == "zhili"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert PASSWORD not in path.read_text(encoding="utf-8")


BROKEN = [
    ('[[users]]\nusername = "a"\nrole = "admin\n', 3, "not valid TOML"),
    (
        '[[users]]\nusername = "a"\nrole = "admin"\npassword_hash = "$argon2id$x"\n\n'
        '[[users]]\nusername = "b"\nrole = "boss"\npassword_hash = "$argon2id$x"\n',
        8,
        "boss",
    ),
    ('[[users]]\nusername = "a"\nrole = "factory"\npassword_hash = "$argon2id$x"\n', 3, "factory_id"),
    ('[[users]]\nusername = "a"\nrole = "admin"\npasswd = "x"\n', 4, "unknown key"),
    ('[[users]]\nusername = "a"\nrole = "admin"\npassword_hash = "plain-text"\n', 4, "not an argon2"),
    (
        '[[users]]\nusername = "a"\nrole = "admin"\npassword_hash = "$argon2id$x"\n'
        '[[users]]\nusername = "A"\nrole = "admin"\npassword_hash = "$argon2id$x"\n',
        6,
        "twice",
    ),
    ('[[users]]\nusername = "a"\nrole = "admin"\n', 1, "never sign in"),
    ('[[users]]\nusername = "a"\nrole = "planner"\nemail = "not-an-address"\n', 4, "e-mail"),
]


@pytest.mark.parametrize("text,line,words", BROKEN, ids=range(len(BROKEN)))
def test_a_broken_users_file_names_the_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(access.UsersFileError) as err:
        access.load_users(path)
    assert str(path) in str(err.value)
    assert f"line {line}" in str(err.value)
    assert words in str(err.value)


def test_a_users_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "users.toml"
    path.write_bytes(b'[[users]]\nusername = "a"\nrole = "adm\xffin"\n')
    with pytest.raises(access.UsersFileError, match=r"line 3.*UTF-8"):
        access.load_users(path)


# -- sign-in checks ------------------------------------------------------------------------


def test_wrong_password_and_unknown_user_get_the_same_answer(tmp_path):
    users = access.load_users(write_users(tmp_path / "u.toml", OWNER))
    limiter = access.RateLimiter()
    wrong = access.sign_in(users, "wang", "wrong password", "1.2.3.4", limiter)
    unknown = access.sign_in(users, "nobody", "wrong password", "1.2.3.4", limiter)
    assert wrong == unknown == access.SignIn(None, "access.bad_credentials")
    assert access.sign_in(users, " WANG ", PASSWORD, "1.2.3.4", limiter).user.username == "wang"


def test_failed_sign_ins_back_off_per_name_growing_and_capped(tmp_path):
    # finding 9: a hard lock keyed on name + client let anyone behind a proxy lock a user out
    users = access.load_users(write_users(tmp_path / "u.toml", OWNER))
    clock = FakeClock()
    limiter = access.RateLimiter(
        free=3, base=2, cap=60, rate=100, burst=100, client_rate=100, client_burst=100, clock=clock
    )
    for _ in range(3):
        assert access.sign_in(users, "wang", "nope", "1.2.3.4", limiter).error == "access.bad_credentials"
    waits = []
    for _ in range(8):  # each failure beyond the free ones doubles the wait, up to the cap
        blocked = access.sign_in(users, "wang", PASSWORD, "5.6.7.8", limiter)  # any client: same name
        assert blocked.user is None and blocked.error == "access.too_many"
        waits.append(blocked.seconds)
        clock.now += blocked.seconds
        access.sign_in(users, "wang", "nope", "1.2.3.4", limiter)
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
    clock.now += 60  # never locked out for longer than the cap: the owner gets in
    assert access.sign_in(users, "wang", PASSWORD, "5.6.7.8", limiter).user is not None
    assert limiter.retry_after("wang") == 0  # and the count starts afresh
    for _ in range(3):  # an unknown name is limited exactly like a known one
        access.sign_in(users, "ghost", "nope", "1.2.3.4", limiter)
    assert access.sign_in(users, "ghost", "nope", "1.2.3.4", limiter).error == "access.too_many"


def test_password_checks_have_a_global_rate(tmp_path):
    # finding 9: new names were never limited and each try cost 0.7 s of argon2 in the server
    users = access.load_users(write_users(tmp_path / "u.toml", OWNER))
    clock = FakeClock()
    limiter = access.RateLimiter(rate=1.0, burst=5, clock=clock)
    answers = [access.sign_in(users, f"spray{i}", "nope", None, limiter).error for i in range(8)]
    assert answers == ["access.bad_credentials"] * 5 + ["access.busy"] * 3  # new names, one budget
    clock.now += 1.0
    assert access.sign_in(users, "wang", PASSWORD, None, limiter).user is not None


def test_the_limiter_survives_a_restart_and_is_shared_by_processes(tmp_path):
    users = access.load_users(write_users(tmp_path / "u.toml", OWNER))
    clock = FakeClock()
    state = tmp_path / "signin_limits.json"
    first = access.RateLimiter(state, clock=clock)
    for _ in range(5):
        access.sign_in(users, "wang", "nope", None, first)
    wait = first.retry_after("wang")
    assert wait > 0
    restarted = access.RateLimiter(state, clock=clock)  # a new server process
    assert restarted.retry_after("wang") == wait
    assert access.sign_in(users, "wang", PASSWORD, None, restarted).error == "access.too_many"
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600


def test_idle_expiry_rule(monkeypatch):
    monkeypatch.setenv("SUPPLY_IDLE_MINUTES", "10")
    idle = access.idle_seconds()
    assert idle == 600
    assert not access.session_expired(None, 10_000, idle)
    assert not access.session_expired(10_000 - 599, 10_000, idle)
    assert access.session_expired(10_000 - 601, 10_000, idle)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan", "inf"])
def test_a_bad_idle_setting_is_a_clear_error(monkeypatch, value):
    # finding 10: SUPPLY_IDLE_MINUTES=abc silently meant 30
    monkeypatch.setenv("SUPPLY_IDLE_MINUTES", value)
    with pytest.raises(access.SettingError, match=rf"SUPPLY_IDLE_MINUTES='{value}'.*SUPPLY_IDLE_MINUTES=30"):
        access.idle_seconds()


def test_a_bad_idle_setting_stops_the_app(app_env, monkeypatch):
    monkeypatch.setenv("SUPPLY_IDLE_MINUTES", "abc")
    at = new_app("en")
    at.run()
    assert "SUPPLY_IDLE_MINUTES='abc'" in at.error[0].value and "_ctx" not in at.session_state


def test_oidc_identity_maps_by_email_only(tmp_path):
    users = access.load_users(write_users(tmp_path / "u.toml", OWNER, ASSOC))
    assert access.user_for_email(users, "LI@example.com").username == "li"
    assert access.user_for_email(users, "li@example.com", email_verified=False) is None
    assert access.user_for_email(users, "wang") is None  # a user name is not an e-mail
    assert access.user_for_email(users, None) is None


# -- the app -------------------------------------------------------------------------------


def test_sign_in_is_required_and_scope_comes_from_the_file(users_env):
    at = new_app("en")
    at.session_state["view_as_role"] = "admin"  # what a browser might try to send: ignored
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert not any("Demo mode" in w.value for w in at.sidebar.warning)
    sign_in(at, "wang")
    assert not at.exception
    assert at.title[0].value == "Overview"
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert "wang" in side and "Factory owner" in side and "F0000001" in side
    keys = {s.key for s in at.sidebar.selectbox}
    assert not any(k.startswith("view_as") for k in keys)
    assert at.selectbox(key="cluster__en")  # one widget key per language (ui.context.localized_selectbox)
    assert at.session_state["cluster"] == "zhili"
    assert at.selectbox(key="cluster__en").options == ["Zhili children's wear & school uniforms"]
    assert at.session_state["_ctx"].viewer.role == "factory"
    assert at.session_state["_ctx"].viewer.factory_id == "F0000001"


def test_wrong_password_and_unknown_user_show_the_same_message(users_env):
    at = new_app("zh")
    at.run()
    sign_in(at, "wang", "wrong password")
    first = [e.value for e in at.error]
    sign_in(at, "nobody-here", "wrong password")
    assert first == [e.value for e in at.error] == ["用户名或密码不正确。"]
    assert at.title[0].value == "登录"


def test_an_idle_session_must_sign_in_again(users_env):
    at = new_app("en")
    at.run()
    sign_in(at, "wang")
    at.switch_page("app_pages/my_factory.py").run()
    assert at.title[0].value == "My factory"
    at.session_state["_auth_last_seen"] = 0.0  # long ago
    at.run()
    assert at.title[0].value == "Sign in"
    assert any("expired" in i.value for i in at.info)
    assert "_ctx" not in at.session_state


def test_sign_out_forgets_the_user(users_env):
    at = new_app("en")
    at.run()
    sign_in(at, "li")
    assert at.session_state["_ctx"].viewer.cluster_id == "zhili"
    at.button(key="sign_out").click().run()
    assert at.title[0].value == "Sign in"
    assert "_auth_user" not in at.session_state


def test_a_removed_user_is_signed_out(users_env):
    at = new_app("en")
    at.run()
    sign_in(at, "wang")
    write_users(users_env, ASSOC, ADMIN)
    at.run()
    assert at.title[0].value == "Sign in"


@pytest.mark.parametrize("content", ['[[users]]\nusername = "a"\nrole = "boss"\n', None])
def test_a_broken_or_missing_users_file_stops_the_app(app_env, tmp_path, monkeypatch, content):
    path = tmp_path / "users.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("SUPPLY_USERS", str(path))
    at = new_app("en")
    at.run()
    assert len(at.error) == 1 and str(path) in at.error[0].value
    if content is not None:
        assert "line 3" in at.error[0].value
    assert not any("Demo mode" in w.value for w in at.sidebar.warning)
    assert "_ctx" not in at.session_state


@pytest.fixture()
def own_users_file(app_env, tmp_path, monkeypatch):
    """A private copy of the data with users.toml inside it (no $SUPPLY_USERS): the plain set-up."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(app_env, data)
    monkeypatch.setenv("SUPPLY_DATA", str(data))
    monkeypatch.delenv("SUPPLY_USERS", raising=False)
    monkeypatch.delenv("SUPPLY_DEMO", raising=False)
    route_like_the_server(monkeypatch)
    return write_users(data / "users.toml", OWNER, ASSOC, ADMIN)


def test_a_users_file_moved_away_while_running_never_opens_demo_mode(own_users_file):
    # finding 3: moving users.toml away put the running server in demo mode (admin "view as")
    at = new_app("en")
    at.run()
    assert at.title[0].value == "Sign in"
    own_users_file.rename(own_users_file.with_name("users.toml.bak"))
    for app in (at, new_app("en")):  # the running session, and a new visitor
        app.run()
        assert not any("Demo mode" in w.value for w in app.sidebar.warning)
        assert not any((s.key or "").startswith("view_as") for s in app.sidebar.selectbox)
        assert "_ctx" not in app.session_state and not app.metric
        assert str(own_users_file) in app.error[0].value and "SUPPLY_DEMO=1" in app.error[0].value


def test_demo_mode_needs_no_configuration_or_says_it_was_asked_for(own_users_file, monkeypatch):
    own_users_file.unlink()
    monkeypatch.setenv("SUPPLY_DEMO", "1")  # explicit: the banner says why anyone may view as any role
    at = new_app("en")
    at.run()
    assert not at.exception and any("SUPPLY_DEMO=1" in w.value for w in at.sidebar.warning)
    assert access.demo_reason() == "explicit"
    monkeypatch.delenv("SUPPLY_DEMO")
    never = own_users_file.parent.parent / "never-configured"  # no users file was ever there
    assert access.sign_in_mode(never, oidc=False) == "demo" and access.demo_reason() == "unconfigured"
    with pytest.raises(access.UsersFileError, match="SUPPLY_DEMO=1"):  # but this one had one
        access.sign_in_mode(own_users_file.parent, oidc=False)


OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "c",
        "client_secret": "s",
        "server_metadata_url": "https://id.example.com/.well-known/openid-configuration",
    }
}


def test_oidc_role_and_scope_come_from_the_users_table(users_env, monkeypatch):
    at = new_app("en")
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": False}
    at.run()
    assert at.title[0].value == "Sign in"
    assert at.button(key="oidc_sign_in_default")
    at = new_app("en")
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": "Li@Example.com", "role": "admin"}  # claims are ignored
    at.run()
    assert not at.exception and at.title[0].value == "Overview"
    viewer = at.session_state["_ctx"].viewer
    assert (viewer.role, viewer.cluster_id, viewer.user) == ("association", "zhili", "li")


def test_oidc_identity_not_in_the_table_is_refused(users_env):
    at = new_app("en")
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert "not authorised" in at.error[0].value
    assert "_ctx" not in at.session_state


def test_oidc_without_a_users_file_stops(app_env, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPLY_USERS", str(tmp_path / "none.toml"))
    at = new_app("en")
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": "li@example.com"}
    at.run()
    assert "none.toml" in at.error[0].value and "_ctx" not in at.session_state


# -- the command line ----------------------------------------------------------------------


def _cli(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_command_adds_lists_and_removes(tiny_data, tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "users.toml")
    base = ["users", "--data", str(tiny_data), "--users", path]
    code, out, _ = _cli(
        monkeypatch,
        capsys,
        base + ["add", "wang", "--role", "factory", "--factory", "F0000001", "--password-stdin"],
        PASSWORD + "\n",
    )
    assert code == 0 and "added wang" in out
    assert access.check_password(access.load_users(path)["wang"].password_hash, PASSWORD)
    code, _, err = _cli(
        monkeypatch, capsys, base + ["add", "wang", "--role", "admin", "--password-stdin"], PASSWORD + "\n"
    )
    assert code == 2 and "--update" in err
    code, _, err = _cli(
        monkeypatch,
        capsys,
        base + ["add", "x", "--role", "factory", "--factory", "F9999999", "--password-stdin"],
        PASSWORD + "\n",
    )
    assert code == 2 and "F9999999" in err
    code, _, err = _cli(
        monkeypatch, capsys, base + ["add", "y", "--role", "association", "--password-stdin"], PASSWORD + "\n"
    )
    assert code == 2 and "--cluster" in err
    code, _, err = _cli(
        monkeypatch, capsys, base + ["add", "z", "--role", "admin", "--password-stdin"], "short\n"
    )
    assert code == 2 and "at least 8" in err
    code, out, _ = _cli(monkeypatch, capsys, ["users", "list", "--users", path])
    assert code == 0 and "wang\tfactory\tF0000001" in out and "argon2" not in out
    code, out, _ = _cli(monkeypatch, capsys, base + ["remove", "wang"])
    assert code == 0 and access.load_users(path) == {}
    code, _, err = _cli(monkeypatch, capsys, base + ["remove", "wang"])
    assert code == 2 and "no user" in err


def test_users_command_reports_a_broken_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.toml"
    path.write_text('[[users]]\nusername = "a"\nrole = \n', encoding="utf-8")
    code, _, err = _cli(monkeypatch, capsys, ["users", "list", "--users", str(path)])
    assert code == 2 and str(path) in err and "line 3" in err
