"""Step ②'s solve in a worker thread (ui/planning_job.py), headless (AppTest), real solver.

The tiny demo data's solve is about a second, so the job is held at a known point of the
real solve (a patched progress callback, or before it starts) until the test presses Stop;
``FOLLOW_S = 0`` makes each script run look at the job once and end, so that the test can
rerun and click while the job runs (a browser run instead follows the job until it ends,
and the click interrupts that).
"""

from __future__ import annotations

import threading

import pytest
from test_app_smoke import assert_no_exception, open_app
from test_planning_pages import PLANNING, button, labels, own_data  # noqa: F401 - a fixture

from ui import planning_job as ui_job

pytestmark = pytest.mark.usefixtures("own_data")  # each test on its own copy of the tiny data
WAIT_S = 120  # generous guards against a hung test, not timings


def job_threads() -> list[threading.Thread]:
    """The planning jobs' threads alive in this process."""
    return [t for t in threading.enumerate() if t.name.startswith("planning-job-")]


@pytest.fixture()
def held_after_lp(monkeypatch):
    """Hold the job once the flow LP has given its bound (the solver reports rounding, 0.55),
    until Stop is pressed; each run looks once (FOLLOW_S = 0). Yields the 'reached' Event."""
    reached = threading.Event()
    real = ui_job.Job.report
    jobs = []

    def held(self, fraction, message):
        real(self, fraction, message)
        if 0.5 <= fraction < 0.9 and not reached.is_set():
            jobs.append(self)
            reached.set()
            self.stop_event.wait(WAIT_S)

    monkeypatch.setattr(ui_job.Job, "report", held)
    monkeypatch.setattr(ui_job, "FOLLOW_S", 0.0)
    yield reached
    for job in jobs:  # a failed test must not leave a held job behind
        job.stop_event.set()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stop_keeps_the_best_plan_so_far_and_never_starts_a_second_job(held_after_lp, lang):
    at = open_app(lang, role="association", page=PLANNING)
    before = len(job_threads())
    button(at, "planning_solve").click().run()
    assert_no_exception(at, f"solve started {lang}")
    assert held_after_lp.wait(WAIT_S), "the solve never reached rounding (no MOQ violation left by the LP?)"
    job = at.session_state[ui_job.JOB]
    try:
        at.run()  # a rerun while the job runs finds it: no second job
        assert_no_exception(at, f"rerun while solving {lang}")
        assert at.session_state[ui_job.JOB] is job and job.running
        assert len(job_threads()) == before + 1
        assert button(at, "planning_solve").disabled
        stop = button(at, "planning_stop")
        assert stop.label == ("停止计算" if lang == "zh" else "Stop")
        stop.click().run()
    finally:
        job.stop()
    assert_no_exception(at, f"stopped {lang}")
    assert not job.running and ui_job.JOB not in at.session_state
    plan = job.optimal  # stopped after the LP: the best plan so far, with the LP's bound
    assert plan is not None and plan.lower_bound is not None and plan.gap is not None
    # on the tiny data the repair alone reaches the proven gap; else the status says "stopped"
    assert plan.status == ("optimal" if plan.proven_optimal else "stopped"), plan.status
    said = " ".join(w.value for w in at.warning)
    assert ("按您的要求" if lang == "zh" else "You stopped the computation") in said, said
    proven = ("已证明最优" if lang == "zh" else "already proven optimal") in said
    assert proven == plan.proven_optimal, said
    total = "总成本（含罚金）" if lang == "zh" else "Total cost (incl. penalty)"
    assert total in labels(at), "the stopped plan is not shown"
    quality = " ".join(i.value for i in at.info)
    assert ("任何方案都不可能低于" if lang == "zh" else "no plan can cost less than") in quality, quality
    result = at.session_state["planning_result"]
    assert result["stopped"] and result["optimal"] is job.optimal
    assert not button(at, "planning_solve").disabled
    other = open_app(lang, role="association", page=PLANNING)  # a stopped plan is not shared
    assert total not in labels(other)


def test_stop_before_any_plan_says_there_is_nothing_to_show(monkeypatch):
    reached = threading.Event()
    real = ui_job.Job.run

    def late(self, inputs):
        reached.set()
        self.stop_event.wait(WAIT_S)  # Stop pressed before the greedy plan started
        real(self, inputs)

    monkeypatch.setattr(ui_job.Job, "run", late)
    monkeypatch.setattr(ui_job, "FOLLOW_S", 0.0)
    at = open_app("zh", role="association", page=PLANNING)
    button(at, "planning_solve").click().run()
    assert reached.wait(WAIT_S)
    job = at.session_state[ui_job.JOB]
    try:
        button(at, "planning_stop").click().run()
    finally:
        job.stop()
    assert_no_exception(at, "stopped before a plan")
    assert job.optimal is None and job.greedy is None
    assert any("在得到任何方案之前被您停止" in w.value for w in at.warning)
    assert any("还没有计算过方案" in i.value for i in at.info)  # and no plan drawn


def test_a_finished_job_is_shared_and_says_nothing_about_stopping():
    at = open_app("en", role="association", page=PLANNING)
    button(at, "planning_solve").click().run()  # a run follows the job until it ends
    assert_no_exception(at, "solved")
    assert ui_job.JOB not in at.session_state
    assert not any("stopped" in w.value for w in at.warning), [w.value for w in at.warning]
    last = at.session_state[ui_job.LAST]
    assert not last.stopped and last.optimal.status != "stopped"
    assert at.session_state["planning_result"]["stopped"] is False
    other = open_app("en", role="association", page=PLANNING)
    assert "Total cost (incl. penalty)" in labels(other)
