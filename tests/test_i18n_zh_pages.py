"""Every page renders in Chinese (AppTest) for every role that may open it, with no English left.

Reads every text element, metric, table header and string cell, widget label and option,
and fails on ASCII words outside a short allow-list (ids, units, LQ, HHI, file formats),
and on "None" / "nan" shown as a value.
"""

from __future__ import annotations

import pytest

from supply.nav import PAGES
from tests.browser import bad_values, untranslated
from tests.test_app_smoke import open_app

CASES = [(spec, role) for spec in PAGES for role in spec.roles]


def page_texts(at) -> list[tuple[str, str]]:
    """(where, text) for everything a person reads on the rendered page and sidebar."""
    out = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        for el in getattr(at, kind):
            out.append((kind, str(el.value)))
    for m in at.metric:
        out += [("metric", f"{m.label} {m.value} {m.delta or ''} {m.help or ''}")]
    for d in at.dataframe:
        frame = d.value
        out.append(("table header", " ".join(map(str, frame.columns))))
        for col in frame.columns:
            if frame[col].dtype == object:
                out += [("table cell", str(v)) for v in frame[col].head(50).tolist()]
            else:
                out += [
                    ("table cell", str(v)) for v in frame[col].head(50).tolist() if str(v) in ("nan", "None")
                ]
    for kind in (
        "selectbox",
        "multiselect",
        "radio",
        "button",
        "text_input",
        "number_input",
        "tabs",
        "expander",
        "checkbox",
        "toggle",
        "slider",
        "date_input",
        "download_button",
    ):
        for w in getattr(at, kind, []):
            if getattr(w, "key", None) == "lang":  # the language switch names both languages on purpose
                continue
            label = getattr(w, "label", "") or ""
            out.append((kind, str(label)))
            for opt in getattr(w, "options", None) or []:
                out.append((f"{kind} option", str(opt)))
            if getattr(w, "placeholder", None):
                out.append((f"{kind} placeholder", str(w.placeholder)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("spec", "role"), CASES, ids=[f"{s.key}-{r}" for s, r in CASES])
def test_page_is_all_chinese(app_env, spec, role):
    at = open_app("zh", role=role, page=spec.file, factory="F0000001" if role == "factory" else None)
    assert not at.exception, [e.value for e in at.exception]
    problems = []
    for where, text in page_texts(at):
        words = untranslated(text)
        bad = bad_values(text)
        if words or bad:
            problem = f"{where}: {words + bad} in {text[:120]!r}"
            if problem not in problems:
                problems.append(problem)
    assert not problems, f"{spec.key} as {role}:\n" + "\n".join(problems[:40])
