"""Shared fixtures: tiny, seeded demo snapshots built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from supply.data.store import Store
from supply.demo import generate as demo
from supply.engine.db import Viewer, connect

ROOT = Path(__file__).resolve().parent.parent
TINY_SCALE = 0.05  # 150 factories, 10,000 order lines, 120 schools


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """A data directory with the two demo snapshots at a tiny scale (seed 42)."""
    path = tmp_path_factory.mktemp("tiny-data")
    demo.build(Store(path), scale=TINY_SCALE, seed=42)
    return path


@pytest.fixture(scope="session")
def tiny_store(tiny_data) -> Store:
    """The store over the tiny demo data."""
    return Store(tiny_data)


@pytest.fixture(scope="session")
def tiny_snapshot(tiny_store):
    """The newest tiny demo snapshot."""
    return tiny_store.latest()


@pytest.fixture(scope="session")
def admin_db(tiny_snapshot):
    """An admin connection over the tiny snapshot."""
    return connect(tiny_snapshot, Viewer("admin"))


@pytest.fixture()
def app_env(tiny_data, monkeypatch):
    """Point the app at the tiny data (SUPPLY_DATA) for AppTest runs."""
    monkeypatch.setenv("SUPPLY_DATA", str(tiny_data))
    monkeypatch.chdir(ROOT)
    return tiny_data


@pytest.fixture()
def private_app(tiny_data, tmp_path, monkeypatch):
    """The app over a private copy of the tiny data (for tests that commit or log): its Store."""
    from tests.ingest_helpers import copy_store

    store = copy_store(tiny_data, tmp_path)
    monkeypatch.setenv("SUPPLY_DATA", str(store.data_dir))
    monkeypatch.chdir(ROOT)
    return store
