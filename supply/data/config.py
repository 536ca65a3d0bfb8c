"""Where the data directory is: `--data DIR`, else `$SUPPLY_DATA`, else `./data`."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = ROOT / "queries"
# Copies of the shared/reference tables the code reads, so a fresh clone runs on its own.
PACKAGE_REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Resolve the data directory the app and every CLI tool agree on."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("SUPPLY_DATA")
    if env:
        return Path(env).expanduser().resolve()
    return (ROOT / "data").resolve()
