"""Who is looking: demo "view as", users-file sign-in, or OIDC (``st.login``).

The mode is chosen on the server (supply/access/signin.py): OIDC when ``[auth]`` is in the
secrets, a users file when one exists (or ``$SUPPLY_USERS`` names one), demo only with
``SUPPLY_DEMO=1`` or when nothing was ever configured: a deployment that had a users file
stops with an error when it goes missing, instead of opening up in demo mode.
The session keeps only the signed-in user name; role and scope are read from the users
file on every run, so removing or changing a user takes effect at once.
"""

from __future__ import annotations

import time

import polars as pl
import streamlit as st

from supply.access import users as access
from supply.engine.db import ROLES
from supply.i18n import format as fmt
from supply.i18n import label, t
from supply.nav import PAGES
from ui.context import localized_selectbox

DEMO, USERS, OIDC = "demo", "users", "oidc"
_USER_KEY, _SEEN_KEY, _NOTICE_KEY = "_auth_user", "_auth_last_seen", "_auth_notice"
VIEW_AS_CHOICES = 200  # factories the demo "view as" list offers at once (a search narrows it)
_KEEP_ON_SIGN_OUT = ("lang", _NOTICE_KEY)


@st.cache_resource(show_spinner=False)
def _limiter(data_dir: str) -> access.RateLimiter:
    """One sign-in limiter for the whole server process, its counters kept in the data directory."""
    return access.RateLimiter(access.limiter_path(data_dir))


def _auth_secrets() -> dict | None:
    """The ``[auth]`` section of the secrets, or None when OIDC is not configured."""
    try:
        return dict(st.secrets["auth"]) if "auth" in st.secrets else None
    except Exception:  # no secrets file at all
        return None


def mode(data_dir) -> str:
    """demo, users or oidc. Raises UsersFileError when a configured deployment lost its users file."""
    return access.sign_in_mode(data_dir, oidc=_auth_secrets() is not None)


def _client() -> str:
    """The client address for rate limiting ('unknown' when Streamlit does not know it)."""
    try:
        return st.context.ip_address or "unknown"
    except Exception:
        return "unknown"


def _clear_session(notice: str | None = None) -> None:
    """Forget the signed-in user and every widget value (the next user starts clean)."""
    for key in list(st.session_state.keys()):
        if key not in _KEEP_ON_SIGN_OUT:
            del st.session_state[key]
    if notice:
        st.session_state[_NOTICE_KEY] = notice


def _show_notice(lang: str) -> None:
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(t(notice, lang))


def _still_active(lang: str) -> bool:
    """Idle expiry: False (and the session cleared) when the last run is too long ago."""
    now = time.time()
    if access.session_expired(st.session_state.get(_SEEN_KEY), now, access.idle_seconds()):
        _clear_session("access.expired")
        return False
    st.session_state[_SEEN_KEY] = now
    return True


def identify(lang: str, data_dir) -> access.User | None:
    """The signed-in user (users file / OIDC), None in demo mode; draws sign-in and stops otherwise.

    Raises UsersFileError when the users file is broken: the caller shows it and stops.
    A setting that is not valid ($SUPPLY_IDLE_MINUTES, $SUPPLY_DEMO) is shown here and stops.
    """
    try:
        access.idle_seconds()
        current = mode(data_dir)
    except access.SettingError as exc:
        st.error(t("access.setting_error", lang, msg=str(exc)))
        st.stop()
    if current == DEMO:
        return None
    path = access.users_path(data=data_dir)
    if current == OIDC and not path.exists():
        raise access.UsersFileError(
            f"{path}: OIDC sign-in is configured ([auth] in secrets) but there is no users file to "
            "map e-mail addresses to roles; add users with `python -m supply users add NAME --role ROLE "
            "--email ADDRESS --no-password`."
        )
    users = access.load_users(path)
    return _oidc_user(lang, users) if current == OIDC else _password_user(lang, users, str(data_dir))


def _password_user(lang: str, users: dict[str, access.User], data_dir: str) -> access.User:
    name = st.session_state.get(_USER_KEY)
    if name:
        user = users.get(name.lower())
        if user is None or user.password_hash is None:
            _clear_session("access.account_gone")
        elif _still_active(lang):
            return user
    _sign_in_page(lang, lambda: _sign_in_form(lang, users, data_dir))


def _sign_in_page(lang: str, draw) -> None:
    """Show only the sign-in screen, as the one (hidden) page of the navigation, then stop.

    Calling st.navigation here, not only after sign-in, means no page file can run on its
    own before sign-in.
    """
    title = t("access.sign_in_title", lang)
    # Every page's address shows the sign-in screen, so a deep link opens that page after sign-in.
    pages = [st.Page(draw, title=title, url_path="sign_in", default=True)]
    pages += [st.Page(draw, title=title, url_path=spec.key) for spec in PAGES if not spec.default]
    st.navigation(pages, position="hidden").run()
    st.stop()


def _sign_in_form(lang: str, users: dict[str, access.User], data_dir: str) -> None:
    st.title(t("access.sign_in_title", lang))
    _show_notice(lang)
    st.caption(t("access.sign_in_intro", lang))
    with st.form("sign_in_form", clear_on_submit=True):
        username = st.text_input(t("access.username", lang), key="sign_in_user", max_chars=128)
        password = st.text_input(
            t("access.password", lang), type="password", key="sign_in_password", max_chars=1024
        )
        submitted = st.form_submit_button(t("access.sign_in", lang))
    if submitted:
        result = access.sign_in(users, username, password, _client(), _limiter(data_dir))
        if result.user is not None:
            _clear_session()
            st.session_state[_USER_KEY] = result.user.username
            st.session_state[_SEEN_KEY] = time.time()
            st.rerun()
        st.error(t(result.error, lang, seconds=result.seconds))


def _providers() -> list[str | None]:
    """Named OIDC providers ([auth.NAME] sections), or [None] for the default [auth] one."""
    auth = _auth_secrets() or {}
    named = [k for k, v in auth.items() if isinstance(v, dict)]
    return named or [None]


def _oidc_user(lang: str, users: dict[str, access.User]) -> access.User:
    if not st.user.is_logged_in:
        _sign_in_page(lang, lambda: _oidc_buttons(lang))
    email = st.user.get("email")
    user = access.user_for_email(users, email, st.user.get("email_verified"))
    if user is None:
        st.title(t("access.sign_in_title", lang))
        st.error(t("access.not_authorised", lang, email=email or "?"))
        if st.button(t("access.sign_out", lang), key="sign_out"):
            _clear_session()
            st.logout()
        st.stop()
    if st.session_state.get(_USER_KEY) != user.username:
        _clear_session()
        st.session_state[_USER_KEY] = user.username
    if not _still_active(lang):
        st.logout()
        st.stop()
    return user


def _oidc_buttons(lang: str) -> None:
    st.title(t("access.sign_in_title", lang))
    _show_notice(lang)
    st.caption(t("access.oidc_intro", lang))
    for provider in _providers():
        text = (
            t("access.oidc_sign_in_with", lang, provider=provider)
            if provider
            else t("access.oidc_sign_in", lang)
        )
        if st.button(text, key=f"oidc_sign_in_{provider or 'default'}", type="primary"):
            if provider:
                st.login(provider)
            else:
                st.login()


def signed_in_box(lang: str, user: access.User, factory_names: dict[str, str], oidc: bool) -> None:
    """Who is signed in, with what role and scope, and a sign-out button (sidebar)."""
    scope = ""
    if user.factory_id:
        scope = " · " + t(
            "access.scope_factory",
            lang,
            factory=f"{user.factory_id} {factory_names.get(user.factory_id, '')}".strip(),
        )
    elif user.cluster_id:
        scope = " · " + t("access.scope_cluster", lang, cluster=user.cluster_id)
    st.sidebar.markdown(
        t("access.signed_in_as", lang, user=f"**{user.username}**")
        + " · "
        + label("role", user.role, lang)
        + scope
    )
    if (
        st.sidebar.button(
            t("access.sign_out", lang), key="sign_out", on_click=_clear_session, args=("access.signed_out",)
        )
        and oidc
    ):
        st.logout()


def demo_role(lang: str, factories: pl.DataFrame) -> tuple[str, str | None]:
    """The demo-mode banner and "view as" pickers; returns (role, factory_id)."""
    st.sidebar.warning(
        t("app.demo_banner", lang) + " " + t(f"access.demo_reason.{access.demo_reason()}", lang)
    )
    role = localized_selectbox(
        st.sidebar,
        t("app.view_as", lang),
        list(ROLES),
        "view_as_role",
        lang,
        lambda r: label("role", r, lang),
        default="association",
    )
    if role != "factory":
        return role, None
    if factories.is_empty():
        st.sidebar.caption(t("access.no_factory", lang))
        return role, None
    # a bounded list: the first matches of a search, never a province's whole directory
    query = st.sidebar.text_input(t("my_factory.pick_search", lang), key="view_as_factory_search").strip()
    matches = factories
    if query:
        matches = factories.filter(
            pl.col("factory_id").str.contains(query, literal=True)
            | pl.col("name").str.contains(query, literal=True)
        )
    shown = matches.head(VIEW_AS_CHOICES)
    current = st.session_state.get("view_as_factory")
    known = current is not None and not factories.filter(pl.col("factory_id") == current).is_empty()
    if known and current not in shown["factory_id"].to_list():
        shown = pl.concat([factories.filter(pl.col("factory_id") == current), shown])
    if matches.is_empty():
        st.sidebar.caption(t("my_factory.pick_none", lang, q=query))
    if shown.is_empty():
        shown = factories.head(1)
    ids = shown["factory_id"].to_list()
    if current not in ids:
        st.session_state["view_as_factory"] = ids[0]
    names = dict(zip(shown["factory_id"], shown["name"]))
    fid = st.sidebar.selectbox(
        t("app.view_as_factory", lang),
        ids,
        format_func=lambda f: names.get(f) or f,
        key="view_as_factory",
    )
    if matches.height > VIEW_AS_CHOICES:
        st.sidebar.caption(
            t(
                "my_factory.pick_caption",
                lang,
                n=fmt.count(VIEW_AS_CHOICES, lang),
                total=fmt.count(matches.height, lang),
            )
        )
    return role, fid
