"""The app on Apache Spark (``SUPPLY_ENGINE=spark``): every page runs headless in zh and en.

The same AppTest walk as tests/test_app_smoke.py's ``test_every_page_runs``, with the engine
switched to Spark (``local[2]``) for the whole module. Streamlit's caches are process-wide and
not keyed by engine, so they are cleared before and after (query results before each page, so
its queries really run). Each page checks that no DuckDB database was opened while it ran and
that its queries ran on Spark.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from supply.engine import db
from supply.nav import PAGES
from tests import spark_fixtures, test_app_smoke
from tests.test_app_smoke import assert_no_exception, open_app

ROOT = Path(__file__).resolve().parent.parent
QUERYLESS = {"data_upload"}  # pages that draw from the store's files, not from queries

pytestmark = [pytest.mark.spark, pytest.mark.slow]
spark_env = spark_fixtures.spark_env  # the Spark session fixture shared by the spark test files


@pytest.fixture(scope="module")
def spark_app(spark_env, tiny_data):
    """The app's environment on Spark over the tiny data; caches cleared around the module."""
    patch = pytest.MonkeyPatch()
    patch.setenv("SUPPLY_ENGINE", "spark")
    patch.setenv("SUPPLY_DATA", str(tiny_data))
    patch.chdir(ROOT)
    patch.setattr(test_app_smoke, "TIMEOUT", 900)  # a page's first run opens the viewer's views on Spark
    st.cache_resource.clear()
    st.cache_data.clear()
    yield spark_env
    st.cache_resource.clear()
    st.cache_data.clear()
    patch.undo()


@pytest.mark.parametrize("spec", PAGES, ids=[p.key for p in PAGES])
def test_every_page_runs_on_spark_in_both_languages(spark_app, spec, monkeypatch):
    role = spec.roles[-1] if "admin" not in spec.roles else "admin"
    factory = "F0000001" if role == "factory" else None
    duck, ran = [], []
    duck_init, spark_init, spark_run = (
        db.Database.__init__,
        spark_app.SparkDatabase.__init__,
        spark_app.SparkDatabase.run,
    )

    def opened(self, *args, **kwargs):
        duck.append(args[:1])
        duck_init(self, *args, **kwargs)

    def spark_opened(self, *args, **kwargs):
        ran.append("(opened)")  # the history page's diff connection runs statements, not named queries
        spark_init(self, *args, **kwargs)

    def counted(self, name, **params):
        ran.append(name)
        return spark_run(self, name, **params)

    monkeypatch.setattr(db.Database, "__init__", opened)
    monkeypatch.setattr(spark_app.SparkDatabase, "run", counted)
    monkeypatch.setattr(spark_app.SparkDatabase, "__init__", spark_opened)
    st.cache_data.clear()
    for lang in ("zh", "en"):
        at = open_app(lang, role=role, page=spec.file, factory=factory)
        assert_no_exception(at, f"{spec.key} on Spark ({lang}, {role})")
        assert at.title, f"{spec.key} has no title"
    assert not duck, f"{spec.key} opened a DuckDB database on Spark: {duck}"
    assert ran or spec.key in QUERYLESS, f"{spec.key} ran no query on Spark"
