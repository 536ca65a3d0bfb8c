"""zh-CN / English catalogues. Chinese is the default language.

Each area of the product keeps its strings in its own module in this package
(``core.py``, ``map.py``, ``capacity.py`` ...), as ``STRINGS = {key: (zh, en)}``.
All modules are merged at import (``format.py`` also holds the formatting layer); a key defined twice is an error, and a test checks
that every key has both languages. ``t(key, lang, **kw)`` formats with str.format.
"""

from __future__ import annotations

import importlib
import pkgutil

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "中文", "en": "English"}


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        strings = importlib.import_module(f"{__name__}.{mod}").STRINGS
        for key, pair in strings.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice (again in {mod}.py)")
            merged[key] = pair
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _load()


def t(key: str, lang: str = DEFAULT_LANG, **kw) -> str:
    """The text for ``key`` in ``lang``; the key itself (visibly) when it is missing."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return f"[{key}]"
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**kw) if kw else text


def label(kind: str, code: str | None, lang: str = DEFAULT_LANG) -> str:
    """Label of a coded value, e.g. label('category', 'shoes', 'zh') -> '鞋'."""
    if code is None:
        return "—"
    key = f"{kind}.{code}"
    return t(key, lang) if key in CATALOGUE else str(code)


def fmt_int(value, lang: str = DEFAULT_LANG) -> str:
    """A figure with grouping; large ones in 万/亿 (zh) or K/M (en). See ``format.number``."""
    from supply.i18n import format as fmt

    return fmt.number(value, lang)


def fmt_delta(value, lang: str = DEFAULT_LANG) -> str | None:
    """A signed change in the same short form as fmt_int ('+7.0万', '-25,179')."""
    from supply.i18n import format as fmt

    return fmt.signed(value, lang)


def fmt_pct(value, digits: int = 1) -> str:
    """A share as a percentage, '—' for None or NaN."""
    from supply.i18n import format as fmt

    return fmt.pct(value, digits=digits)


def fmt_cny(value, lang: str = DEFAULT_LANG) -> str:
    """Money in CNY."""
    from supply.i18n import format as fmt

    return fmt.money(value, lang)
