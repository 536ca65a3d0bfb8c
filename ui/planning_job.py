"""Step ②'s solve in a worker thread: a progress bar, a Stop button, the best plan so far.

Streamlit runs a session's script in one thread and reruns it on every click, so a solve
in the script thread cannot be stopped. Here the solve runs in a thread of its own (``Job``)
kept in ``st.session_state``; the solver's ``should_stop`` reads the job's Event. Every
script run finds the job there (a run never starts a second one), draws its progress and a
Stop button in step ② (``controls``) and, at the end of the page, follows it (``follow``:
polls it, updating the bar) until it ends; then the plans become the session's result
and the script reruns to draw every step from them. A click on Stop interrupts that
polling (Streamlit reruns the script): the rerun sets the Event and follows the job until
the solver has returned the best plan found so far, which is shown with its bound and gap
and a line saying it was stopped at the user's request. A stopped plan stays in this
session; only finished plans go to the cache shared by the server's sessions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import threading
import time

import streamlit as st

from supply.i18n import format as fmt
from supply.planning import plan as planning
from ui import planning as ui_plan

JOB = "planning_job"  # session state: the job this session started and has not yet collected
LAST = "planning_last_job"  # session state: the last job collected (its stop and error notes)
POLL_S = 0.2  # how often a run looks at a job's progress
FOLLOW_S: float | None = None  # how long one run follows a job (None: until it ends)

log = logging.getLogger(__name__)
_numbers = itertools.count(1)


@dataclasses.dataclass(eq=False)
class Job:
    """One solve of step ②: greedy, then optimal, in a thread; progress and a stop flag."""

    key: str
    time_limit: float
    number: int = dataclasses.field(default_factory=lambda: next(_numbers))
    fraction: float = 0.0
    message: str = ""
    greedy: planning.Plan | None = None
    optimal: planning.Plan | None = None
    error: str | None = None
    seconds: float | None = None
    stopped: bool = False  # the solve ended because Stop was pressed
    stop_event: threading.Event = dataclasses.field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def report(self, fraction: float, message: str) -> None:
        """The solver's progress callback (called in the job's thread)."""
        self.fraction, self.message = min(1.0, max(0.0, float(fraction))), message

    def should_stop(self) -> bool:
        """The solver's stop flag: True once someone pressed Stop."""
        return self.stop_event.is_set()

    def stop(self) -> None:
        """Ask the solver to stop and return the best plan so far (nothing once it has ended)."""
        if self.running:
            self.stop_event.set()

    @property
    def running(self) -> bool:
        """True while the thread solves."""
        return self.thread is not None and self.thread.is_alive()

    def run(self, inputs: planning.PlanInputs) -> None:
        """The thread's body: the greedy plan, then the optimal one (never raises)."""
        t0 = time.perf_counter()
        try:
            if not self.should_stop():
                self.greedy = planning.solve(inputs, "greedy")
            if self.greedy is not None:
                self.optimal = planning.solve(
                    inputs,
                    "optimal",
                    time_limit=self.time_limit,
                    progress=self.report,
                    should_stop=self.should_stop,
                )
        except Exception as exc:  # noqa: BLE001 - shown on the page, logged with its traceback
            log.exception("planning job %s failed", self.number)
            self.error = f"{type(exc).__name__}: {exc}"
        self.seconds = time.perf_counter() - t0
        self.stopped = self.should_stop()


def start(inputs: planning.PlanInputs, key: str, time_limit: float) -> Job | None:
    """Start a job for these inputs and keep it in the session; None while one runs already.

    The solve button's callback: it runs before the script, so that run already draws the
    button disabled and the job's progress.
    """
    if st.session_state.get(JOB) is not None:
        return None
    job = Job(key, time_limit)
    job.thread = threading.Thread(
        target=job.run, args=(inputs,), name=f"planning-job-{job.number}", daemon=True
    )
    st.session_state[JOB] = job
    job.thread.start()
    return job


def collect() -> None:
    """A job that has ended: its plans become this session's result (and, unless it was
    stopped, the shared cache's); the job is kept as the last one for its notes."""
    job = st.session_state.get(JOB)
    if job is None or job.running:
        return
    del st.session_state[JOB]
    st.session_state[LAST] = job
    if job.optimal is not None and job.greedy is not None:
        result = {
            "key": job.key,
            "optimal": job.optimal,
            "greedy": job.greedy,
            "solved_at": dt.datetime.now(dt.UTC),
            "stopped": job.stopped,
        }
        ui_plan.keep(result, share=not job.stopped)


@dataclasses.dataclass
class Panel:
    """What a run drew for a running job: the bar to update, a place for a note, whether Stop
    was pressed."""

    job: Job
    bar: object
    note: object
    stopping: bool

    def update(self, ctx) -> None:
        """The bar at the job's progress."""
        self.bar.progress(
            self.job.fraction, text=ui_plan.progress_text(ctx, self.job.fraction, self.job.message)
        )


def controls(
    ctx, inputs: planning.PlanInputs, key: str, time_limit: float, result: dict | None
) -> Panel | None:
    """Step ②'s solve button; while a job runs, its progress bar and Stop button (a Stop click
    stops it); what the last job left to say (stopped at the user's request, or failed)."""
    job = st.session_state.get(JOB)
    label = "plansteps.solve_again" if result else "plansteps.solve"
    st.button(
        ctx.t(label),
        key="planning_solve",
        type="primary",
        help=ctx.t("plansteps.solve_help"),
        on_click=start,
        args=(inputs, key, time_limit),
        disabled=job is not None,
    )
    if job is None:
        _notes(ctx, st.session_state.get(LAST), key)
        return None
    bar = st.progress(job.fraction, text=ui_plan.progress_text(ctx, job.fraction, job.message))
    st.button(
        ctx.t("plansteps.stop"), key="planning_stop", help=ctx.t("plansteps.stop_help"), on_click=job.stop
    )
    note = st.empty()
    if job.should_stop():
        note.caption(ctx.t("plansteps.stopping"))
    return Panel(job, bar, note, job.should_stop())


def _notes(ctx, last: Job | None, key: str) -> None:
    """The last job's stop or error note, while its plan (or the lack of one) is what is shown."""
    if last is None or last.key != key:
        return
    if last.error:
        st.error(ctx.t("plansteps.failed", error=last.error))
    elif last.stopped:
        if last.optimal is None:
            st.warning(ctx.t("plansteps.stopped_nothing"))
        else:
            seconds = fmt.decimal(last.seconds, ctx.lang, 1)
            proven = "plansteps.stopped_proven" if last.optimal.proven_optimal else "plansteps.stopped"
            st.warning(ctx.t(proven, seconds=seconds))


def follow(ctx, panel: Panel | None) -> None:
    """Poll the running job, updating its bar, until it ends (then collect it and rerun the page).

    A click anywhere reruns the script and so ends this wait; the rerun finds the job again.
    After ``FOLLOW_S`` seconds (when set) a run stops waiting and says so; after a Stop it
    always waits, since the solver returns within one flow poll or one MIP.
    """
    if panel is None:
        return
    t0 = time.monotonic()
    while panel.job.running:
        panel.update(ctx)
        if not panel.stopping and FOLLOW_S is not None and time.monotonic() - t0 >= FOLLOW_S:
            with panel.note.container():
                st.caption(ctx.t("plansteps.still_running"))
                st.button(ctx.t("plansteps.refresh"), key="planning_refresh")
            return
        time.sleep(POLL_S)
    collect()
    st.rerun()
