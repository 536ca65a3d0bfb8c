"""Snapshot labels people can tell apart: date and time (Asia/Shanghai), source and user.

Read defensively: older manifests have no ``source`` kind, file or user, and a manifest
may carry a monotonic ``seq``; whatever is missing is left out of the label. ``open_chosen``
serves the sidebar's choice after its integrity check, or the nearest good snapshot with a notice.
"""

from __future__ import annotations

import streamlit as st

from supply.i18n import format as fmt
from supply.i18n import t


def source_text(manifest: dict, lang: str) -> str:
    """Where the snapshot came from, in words ('上传 产能.csv', '演示数据')."""
    src = manifest.get("source") or {}
    kind = src.get("kind") if isinstance(src, dict) else None
    if manifest.get("synthetic") and not kind:
        kind = "demo"
    key = f"snap.source.{kind}"
    if not kind or t(key, lang).startswith("["):
        return t("snap.source.unknown", lang)
    return t(key, lang, file=src.get("file") or "")


def user_of(manifest: dict) -> str | None:
    """Who made the snapshot, when the manifest says."""
    src = manifest.get("source") or {}
    if not isinstance(src, dict):
        return None
    by = src.get("by") if isinstance(src.get("by"), dict) else {}
    user = src.get("user") or by.get("user")
    if not user or user == "cli" or str(user).startswith("demo:"):
        return None
    return str(user)


def label(snapshot, lang: str) -> str:
    """'2026-06-29 14:05 · 上传 产能.csv · 王厂长' (time of writing, source, user)."""
    manifest = snapshot.manifest or {}
    when = fmt.datetime(manifest.get("created_at"), lang)
    if when == fmt.MISSING:
        when = fmt.date(manifest.get("as_of"), lang)
    parts = [when, source_text(manifest, lang)]
    user = user_of(manifest)
    if user:
        parts.append(user)
    return " · ".join(parts)


def open_chosen(store, snaps: list, chosen: str, lang: str) -> tuple:
    """(snapshot to show, the good one before it) for the sidebar's choice, both checked on opening.

    A chosen snapshot that fails its check is replaced by the nearest good one, with a notice
    in the sidebar in the chosen language; (None, None) after an error when none is good.
    """
    snap, reason = store.open(chosen, snaps)
    if snap is None:
        st.sidebar.error(t("app.no_good_snapshot", lang, reason=reason))
        return None, None
    if reason is not None:
        by_id = {s.snapshot_id: s for s in snaps}
        name = label(by_id[chosen], lang) if chosen in by_id else chosen
        st.sidebar.warning(
            t("app.snapshot_fallback", lang, name=name, reason=reason, shown=label(snap, lang))
        )
    ids = [s.snapshot_id for s in snaps]
    older = snaps[: ids.index(snap.snapshot_id)] if snap.snapshot_id in ids else []
    previous = next((s for s in reversed(older) if store.check(s) is None), None)  # for comparisons
    return snap, previous
