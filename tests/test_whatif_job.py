"""A what-if scenario solves as a job (ui/whatif.py over ui/planning_job.py): progress, Stop,
one job at a time per session. Headless (AppTest), real solver, tiny demo data.

The plan of step ② is solved first (the run follows it to the end). The scenario's re-plan is
then held at a known point of the real solve (its first progress report after the model is
built) until the test presses Stop; ``FOLLOW_S = 0`` makes each run look at the job once.
The last test does the same in chromium (marked ``browser``).
"""

from __future__ import annotations

import os
import threading

import pytest
from test_app_smoke import assert_no_exception, open_app
from test_planning_job import WAIT_S, job_threads
from test_planning_pages import PLANNING, button, own_data  # noqa: F401 - a fixture

from tests.browser import (
    ROOT,
    chromium,
    exceptions,
    have_chromium,
    open_page,
    screenshot,
    serve,
    wait_for_app,
)
from tests.ingest_helpers import copy_store
from tests.test_planning_browser import HOLD as PLAN_HOLD
from ui import planning_job as ui_job

pytestmark = pytest.mark.usefixtures("own_data")  # each test on its own copy of the tiny data
RUN = ("运行情景", "Run scenario")


class Hold:
    """Holds the first job of one of ``kinds`` reporting a fraction in [low, high) until Stop is pressed."""

    def __init__(self, monkeypatch, kinds: set[str], low: float, high: float):
        self.reached, self.jobs = threading.Event(), []
        real = ui_job.Job.report

        def held(job, fraction, message):
            real(job, fraction, message)
            if job.kind in kinds and low <= fraction < high and not self.reached.is_set():
                self.jobs.append(job)
                self.reached.set()
                job.stop_event.wait(WAIT_S)

        monkeypatch.setattr(ui_job.Job, "report", held)

    def release(self) -> None:
        for job in self.jobs:  # a failed test must not leave a held job behind
            job.stop_event.set()


@pytest.fixture()
def hold_whatif(monkeypatch):
    """Hold a what-if job at its re-plan step (the solver reports 0.3 there)."""
    hold = Hold(monkeypatch, {ui_job.WHATIF}, 0.25, 0.9)
    yield hold
    hold.release()


def planned(lang: str):
    """The planning page with step ②'s plan solved (followed to its end), then FOLLOW_S = 0."""
    at = open_app(lang, role="association", page=PLANNING)
    button(at, "planning_solve").click().run()
    assert_no_exception(at, f"plan {lang}")
    assert "planning_result" in at.session_state
    return at


def submit(at, name: str = "half"):
    """Fill the scenario form (capacity ×0.5) and press its button (not yet run)."""
    at.text_input(key="planning_scenario_name").set_value(name)
    at.slider(key="planning_scale").set_value(0.5)
    return next(b for b in at.button if b.label in RUN)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_whatif_stop_keeps_its_best_plan_and_blocks_a_second_job(hold_whatif, monkeypatch, lang):
    at = planned(lang)
    monkeypatch.setattr(ui_job, "FOLLOW_S", 0.0)
    before = len(job_threads())
    submit(at).click().run()
    assert_no_exception(at, f"scenario started {lang}")
    assert hold_whatif.reached.wait(WAIT_S), "the scenario's solve never reached its re-plan"
    job = at.session_state[ui_job.JOB]
    try:
        assert job.kind == ui_job.WHATIF and job.name == "half"
        at.run()  # a rerun while the scenario runs finds its job: no second thread
        assert_no_exception(at, f"rerun while the scenario runs {lang}")
        assert at.session_state[ui_job.JOB] is job and job.running
        assert len(job_threads()) == before + 1
        assert next(b for b in at.button if b.label in RUN).disabled
        assert button(at, "planning_solve").disabled  # and step ② cannot start the plan meanwhile
        said = " ".join(i.value for i in at.info)
        busy = "正在计算情景“half”" if lang == "zh" else "The what-if “half” is being computed"
        assert busy in said and ("一次只能进行一项计算" if lang == "zh" else "one computation") in said, said
        assert at.session_state.get("planning_scenarios") == {}  # nothing in the table yet
        stop = button(at, "planning_whatif_stop")
        assert stop.label == ("停止计算" if lang == "zh" else "Stop")
        stop.click().run()
    finally:
        job.stop()
    assert_no_exception(at, f"scenario stopped {lang}")
    assert not job.running and ui_job.JOB not in at.session_state
    assert len(job_threads()) == before
    assert at.session_state[ui_job.last_key(ui_job.WHATIF)] is job
    plan = job.optimal  # the re-plan's best so far, with the bound from the plan's flow prices
    assert job.stopped and plan is not None and plan.lower_bound is not None and plan.gap is not None
    said = " ".join(w.value for w in at.warning)
    stopped = "情景“half”的计算已按您的要求" if lang == "zh" else "You stopped the what-if “half”"
    assert stopped in said, said
    proven = ("已证明最优" if lang == "zh" else "already proven optimal") in said
    assert proven == plan.proven_optimal, said
    quality = " ".join(i.value for i in at.info)
    assert ("任何方案都不可能低于" if lang == "zh" else "no plan can cost less than") in quality, quality
    row = at.session_state["planning_scenarios"]["half"]
    assert row["stopped"] and row["total_cost"] == plan.total_cost and row["gap"] == plan.gap
    table = at.dataframe[-1].value  # the comparison: the plan and the stopped scenario
    assert table.shape[0] == 2 and table.iloc[1, 0] == "half"
    assert not button(at, "planning_solve").disabled
    assert not next(b for b in at.button if b.label in RUN).disabled


def test_whatif_stopped_before_any_plan_adds_no_row(monkeypatch):
    reached = threading.Event()
    real = ui_job.Job.run

    def late(self, work):
        if self.kind == ui_job.WHATIF:
            reached.set()
            self.stop_event.wait(WAIT_S)  # Stop pressed before the scenario's solve started
        real(self, work)

    monkeypatch.setattr(ui_job.Job, "run", late)
    at = planned("en")
    monkeypatch.setattr(ui_job, "FOLLOW_S", 0.0)
    submit(at, "early").click().run()
    assert reached.wait(WAIT_S)
    job = at.session_state[ui_job.JOB]
    try:
        button(at, "planning_whatif_stop").click().run()
    finally:
        job.stop()
    assert_no_exception(at, "scenario stopped before a plan")
    assert job.optimal is None and job.stopped
    said = " ".join(w.value for w in at.warning)
    assert "You stopped the what-if “early” before any plan was found" in said, said
    assert "early" not in at.session_state["planning_scenarios"]


def test_a_scenario_cannot_start_while_the_plan_is_solving(monkeypatch):
    at = planned("zh")
    hold = Hold(monkeypatch, {ui_job.PLAN}, 0.5, 0.9)  # the next plan job, after its flow LP
    monkeypatch.setattr(ui_job, "FOLLOW_S", 0.0)
    try:
        button(at, "planning_solve").click().run()  # "compute again"
        assert hold.reached.wait(WAIT_S)
        job = at.session_state[ui_job.JOB]
        assert job.kind == ui_job.PLAN
        assert submit(at, "blocked").disabled
        said = " ".join(i.value for i in at.info)
        assert "正在“② 方案”中计算方案" in said and "一次只能进行一项计算" in said, said
        button(at, "planning_stop").click().run()
    finally:
        hold.release()
    assert_no_exception(at, "plan stopped")
    assert not submit(at, "free").disabled


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_starts_in_one_run_give_one_job_and_say_so(monkeypatch, lang):
    """Both buttons' clicks reach the server before either is drawn disabled (a queued click):
    one job starts, the other is refused with a warning in the chosen language."""
    at = planned(lang)
    hold = Hold(monkeypatch, {ui_job.PLAN, ui_job.WHATIF}, 0.25, 0.9)
    monkeypatch.setattr(ui_job, "FOLLOW_S", 0.0)
    ran, real = [], ui_job.Job.run
    monkeypatch.setattr(ui_job.Job, "run", lambda job, work: (ran.append(job), real(job, work)))
    before = len(job_threads())
    try:
        button(at, "planning_solve").click()
        submit(at, "raced").click().run()
        assert hold.reached.wait(WAIT_S)
        assert_no_exception(at, f"two starts {lang}")
        job = at.session_state[ui_job.JOB]
        assert ran == [job] and len(job_threads()) == before + 1
        said = " ".join(w.value for w in at.warning)
        refused = "已有一项计算在进行" if lang == "zh" else "A computation is already running"
        assert refused in said, said
        assert ui_job.REFUSED not in at.session_state  # said once
        at.run()
        assert refused not in " ".join(w.value for w in at.warning)
        assert at.session_state[ui_job.JOB] is job and len(job_threads()) == before + 1
    finally:
        hold.release()


HOLD = PLAN_HOLD.replace(  # the browser test's hook, holding the scenario at its re-plan instead
    "if 0.5 <= fraction < 0.9", 'if self.kind == "whatif" and 0.25 <= fraction < 0.9'
)
assert HOLD != PLAN_HOLD


@pytest.mark.browser
@pytest.mark.skipif(not have_chromium(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_whatif_stop_in_the_browser(tiny_data, tmp_path):
    """Compute the plan, run a scenario (held at its re-plan by a ``sitecustomize`` in the server
    only), press its Stop: the scenario's row, the stop note and its bound show (zh)."""
    store = copy_store(tiny_data, tmp_path / "served")  # tmp_path/data is own_data's
    hook = tmp_path / "hold"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOLD, encoding="utf-8")
    shots = os.environ.get("BROWSER_SHOTS") or str(tmp_path / "shots")
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(hook)])}
    with serve(store.data_dir, env=env) as url, chromium() as page:
        page.goto(url)
        wait_for_app(page)
        open_page(page, "planning")
        page.get_by_role("tab", name="② 方案").click()
        page.get_by_role("button", name="计算方案").click()
        page.get_by_text("总成本（含罚金）").first.wait_for(timeout=120_000)
        wait_for_app(page)
        page.get_by_role("tab", name="情景模拟").click()
        page.get_by_role("button", name="运行情景").click()
        page.get_by_text("正在求解…… 30%").first.wait_for(timeout=120_000)  # held at the re-plan
        assert page.get_by_role("button", name="运行情景").is_disabled()
        screenshot(page, shots, "whatif-running")
        page.get_by_role("button", name="停止计算").click()
        page.get_by_text("的计算已按您的要求").first.wait_for(timeout=120_000)
        wait_for_app(page)
        assert exceptions(page) == []
        assert page.get_by_role("button", name="停止计算").count() == 0
        assert page.get_by_text("任何方案都不可能低于").count() >= 1  # the scenario's bound and gap
        screenshot(page, shots, "whatif-stopped")
