"""The layout rules of issue 11, checked: sizes, package docstrings, docstrings, import contracts.

Each test lists every offender at once (not the first), so one run shows the whole clean-up:
modules in ``supply/`` over 400 lines, pages in ``app_pages/`` over 150 lines, packages whose
``__init__.py`` has no docstring or does not name its modules, modules and public functions
without a docstring. The import contracts live in ``pyproject.toml`` and run in ``make lint``;
here they run once on the real tree and once on a copy with one violation of each kind, to
show that they can fail.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_PAGE_LINES = 150
LIBRARY = ("supply", "ui")  # importable code; app_pages/ are scripts run by st.navigation
# Packages whose modules are data, not features: the docstring explains the pattern instead.
NAMES_EXEMPT = {"supply/i18n": "one string catalogue per area, merged at import"}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _py_files(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (ROOT / f).rglob("*.py") if "__pycache__" not in p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _packages(folder: str) -> list[Path]:
    """Every folder under ``folder`` (itself included) that holds Python modules."""
    return sorted({p.parent for p in _py_files(folder)})


def test_no_module_in_supply_over_400_lines():
    """Modules in supply/ are split by what they do before they pass 400 lines."""
    offenders = {_rel(p): n for p in _py_files("supply") if (n := _lines(p)) > MAX_MODULE_LINES}
    assert not offenders, f"modules over {MAX_MODULE_LINES} lines: {offenders}"


def test_no_page_over_150_lines():
    """Pages draw; their helpers live in ui/ and their logic in supply/."""
    pages = sorted((ROOT / "app_pages").glob("*.py"))
    assert len(pages) >= 9, "the pages folder moved or emptied"
    offenders = {_rel(p): n for p in pages if (n := _lines(p)) > MAX_PAGE_LINES}
    assert not offenders, f"pages over {MAX_PAGE_LINES} lines: {offenders}"


def test_every_package_has_an_init_docstring():
    """Each package says in its __init__.py what it offers (a regular package, not a namespace)."""
    missing, empty = [], []
    for pkg in _packages("supply") + _packages("ui"):
        init = pkg / "__init__.py"
        if not init.exists():
            missing.append(_rel(pkg))
        elif not (ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or "").strip():
            empty.append(_rel(init))
    assert not missing, f"folders of modules without __init__.py: {missing}"
    assert not empty, f"__init__.py without a docstring: {empty}"


def test_package_docstrings_name_their_modules():
    """A newcomer reads the package docstring and finds every module of the package in it."""
    unnamed = {}
    for pkg in _packages("supply") + _packages("ui"):
        init = pkg / "__init__.py"
        if _rel(pkg) in NAMES_EXEMPT or not init.exists():
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        mods = sorted(p.stem for p in pkg.glob("*.py") if p.stem not in ("__init__", "__main__"))
        mods += sorted(p.name for p in pkg.iterdir() if (p / "__init__.py").exists())
        absent = [m for m in mods if f"``{m}``" not in doc and f"{m}/" not in doc]
        if absent:
            unnamed[_rel(init)] = absent
    assert not unnamed, f"modules a package docstring does not name (as ``name``): {unnamed}"


def test_modules_and_public_functions_have_docstrings():
    """Every module has a docstring; so does every public function and class of supply/ and ui/."""
    no_module_doc, no_doc = [], []
    for path in _py_files("supply", "ui", "app_pages"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            no_module_doc.append(_rel(path))
        if path.parts[len(ROOT.parts)] not in LIBRARY:
            continue
        for node in tree.body:
            defs = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if defs and not node.name.startswith("_") and not ast.get_docstring(node):
                no_doc.append(f"{_rel(path)}:{node.lineno} {node.name}")
    assert not no_module_doc, f"modules without a docstring: {no_module_doc}"
    assert not no_doc, f"public functions/classes without a docstring: {no_doc}"


def _lint_imports(exe: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(cwd), "PATH": str(exe.parent), "LANG": "C.UTF-8"}
    return subprocess.run(
        [str(exe), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def lint_imports_exe():
    """The lint-imports command of this interpreter's environment (import-linter is pinned)."""
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.fail("lint-imports is not installed: pip install -r requirements.txt")
    return exe


def test_import_contracts_hold(lint_imports_exe):
    """The contracts in pyproject.toml are kept by the real tree."""
    result = _lint_imports(lint_imports_exe, ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


# One violation per contract, appended to a copy of the tree: (file, line, words the report holds).
VIOLATIONS = [
    ("supply/maps/geo.py", "import streamlit", "supply.maps.geo -> streamlit"),
    ("supply/i18n/core.py", "from supply.engine import db", "supply.i18n.core -> supply.engine.db"),
    (
        "supply/capacity/charts.py",
        "from supply.planning import plan",
        "supply.capacity.charts -> supply.planning",
    ),
    ("supply/engine/db.py", "from ui import context", "supply.engine.db -> ui.context"),
    ("app_pages/overview.py", "import duckdb", "app_pages.overview -> duckdb"),
    ("app_pages/capacity.py", "from app_pages import history", "app_pages.capacity -> app_pages.history"),
]


def test_import_contracts_can_fail(tmp_path, lint_imports_exe):
    """A copy of the tree with one forbidden import of each kind breaks the contracts, by name."""
    for name in ("supply", "ui", "app_pages"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for rel, line, _ in VIOLATIONS:
        with open(tmp_path / rel, "a", encoding="utf-8") as f:
            f.write(f"\n{line}\n")
    (tmp_path / "supply" / "unlisted").mkdir()
    (tmp_path / "supply" / "unlisted" / "__init__.py").write_text('"""A package no layer names."""\n')
    result = _lint_imports(lint_imports_exe, tmp_path)
    report = " ".join(result.stdout.split())
    assert result.returncode != 0, report
    for _, _, words in VIOLATIONS:
        assert words in report, f"{words!r} not reported:\n{result.stdout[-4000:]}"
    assert "supply.unlisted" in report, "the exhaustive layers contract missed a new package"
