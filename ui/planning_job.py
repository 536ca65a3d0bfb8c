"""Solves in a worker thread (step ②'s plan, a what-if): progress, a Stop button, the best so far.

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

A what-if scenario (``ui.whatif``) runs as the same kind of job, drawn in the what-if step.
A session has one job at a time: while one runs, the other kind's button is disabled with
a line saying why, and a start that slips through anyway is refused with a warning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import threading
import time
from collections.abc import Callable

import streamlit as st

from supply.i18n import format as fmt
from supply.planning import plan as planning
from ui import planning as ui_plan

JOB = "planning_job"  # session state: the job this session started and has not yet collected
LAST = "planning_last_job"  # session state: the last plan job collected (its stop and error notes)
REFUSED = "planning_job_refused"  # session state: the kind of a start refused while a job ran
PLAN, WHATIF = "plan", "whatif"  # the kinds of job: step ②'s plan, a what-if scenario
POLL_S = 0.2  # how often a run looks at a job's progress
FOLLOW_S: float | None = None  # how long one run follows a job (None: until it ends)

log = logging.getLogger(__name__)
_numbers = itertools.count(1)


@dataclasses.dataclass(eq=False)
class Job:
    """One solve in a thread (``work`` fills ``greedy`` and ``optimal``); progress and a stop flag.

    ``finish`` runs in the script thread when the job is collected (the plans become the
    session's); ``name`` and ``extra`` are what it needs (a what-if's name, inputs, words).
    """

    key: str
    time_limit: float
    kind: str = PLAN
    name: str = ""
    finish: Callable[[Job], None] | None = None
    extra: dict = dataclasses.field(default_factory=dict)
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

    def optimise(self, inputs: planning.PlanInputs, **kw) -> None:
        """The optimal plan of ``inputs`` (``kw``: e.g. a warm start) with this job's progress,
        stop flag and time limit, as ``self.optimal``; nothing once Stop was pressed."""
        if not self.should_stop():
            self.optimal = planning.solve(
                inputs,
                "optimal",
                time_limit=self.time_limit,
                progress=self.report,
                should_stop=self.should_stop,
                **kw,
            )

    def run(self, work: Callable[[Job], None]) -> None:
        """The thread's body: ``work(self)`` (never raises; an error is kept for the page)."""
        t0 = time.perf_counter()
        try:
            work(self)
        except Exception as exc:  # noqa: BLE001 - shown on the page, logged with its traceback
            log.exception("planning job %s failed", self.number)
            self.error = f"{type(exc).__name__}: {exc}"
        self.seconds = time.perf_counter() - t0
        self.stopped = self.should_stop()


def start(job: Job, work: Callable[[Job], None]) -> Job | None:
    """Run ``work`` as ``job`` in a thread kept in the session; None (and a warning on the next
    run) while a job runs already: one job at a time per session.

    Called from buttons' callbacks: they run before the script, so that run already draws the
    buttons disabled and the job's progress.
    """
    if st.session_state.get(JOB) is not None:
        st.session_state[REFUSED] = job.kind
        return None
    job.thread = threading.Thread(
        target=job.run, args=(work,), name=f"planning-job-{job.number}", daemon=True
    )
    st.session_state[JOB] = job
    job.thread.start()
    return job


def start_plan(inputs: planning.PlanInputs, key: str, time_limit: float) -> Job | None:
    """Step ②'s job: the greedy plan, then the optimal one."""

    def work(job: Job) -> None:
        if not job.should_stop():
            job.greedy = planning.solve(inputs, "greedy")
        if job.greedy is not None:
            job.optimise(inputs)

    return start(Job(key, time_limit, finish=_keep_plan), work)


def _keep_plan(job: Job) -> None:
    """Step ②'s plans become this session's result (and, unless stopped, the shared cache's)."""
    if job.optimal is not None and job.greedy is not None:
        result = {
            "key": job.key,
            "optimal": job.optimal,
            "greedy": job.greedy,
            "solved_at": dt.datetime.now(dt.UTC),
            "stopped": job.stopped,
        }
        ui_plan.keep(result, share=not job.stopped)


def last_key(kind: str) -> str:
    """The session state key of the last collected job of this kind."""
    return LAST if kind == PLAN else f"{LAST}_{kind}"


def collect() -> None:
    """A job that has ended: its ``finish`` runs and it is kept as the last one for its notes."""
    job = st.session_state.get(JOB)
    if job is None or job.running:
        return
    del st.session_state[JOB]
    st.session_state[last_key(job.kind)] = job
    if job.finish is not None:
        job.finish(job)


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


def running(kind: str) -> Job | None:
    """The session's running (not yet collected) job of this kind."""
    job = st.session_state.get(JOB)
    return job if job is not None and job.kind == kind else None


def busy(ctx, kind: str) -> bool:
    """True while this session has a job: a button that starts a ``kind`` job is then disabled.
    Says why when the job is of the other kind, and warns once about a refused start."""
    job = st.session_state.get(JOB)
    if job is not None and job.kind != kind:
        st.info(ctx.t(f"plansteps.busy_{job.kind}", name=job.name))
    if st.session_state.get(REFUSED) == kind:
        del st.session_state[REFUSED]
        st.warning(ctx.t("plansteps.refused"))
    return job is not None


def panel(ctx, kind: str, prefix: str) -> Panel | None:
    """The running ``kind`` job's progress bar and Stop button (key ``{prefix}_stop``)."""
    job = running(kind)
    if job is None:
        return None
    bar = st.progress(job.fraction, text=ui_plan.progress_text(ctx, job.fraction, job.message))
    st.button(
        ctx.t("plansteps.stop"), key=f"{prefix}_stop", help=ctx.t("plansteps.stop_help"), on_click=job.stop
    )
    note = st.empty()
    if job.should_stop():
        note.caption(ctx.t("plansteps.stopping"))
    return Panel(job, bar, note, job.should_stop())


def controls(
    ctx, inputs: planning.PlanInputs, key: str, time_limit: float, result: dict | None
) -> Panel | None:
    """Step ②'s solve button; while its job runs, the progress bar and Stop button (a Stop
    click stops it); what the last job left to say (stopped at the user's request, or failed)."""
    label = "plansteps.solve_again" if result else "plansteps.solve"
    disabled = busy(ctx, PLAN)
    st.button(
        ctx.t(label),
        key="planning_solve",
        type="primary",
        help=ctx.t("plansteps.solve_help"),
        on_click=start_plan,
        args=(inputs, key, time_limit),
        disabled=disabled,
    )
    if not disabled:
        notes(ctx, key, PLAN)
    return panel(ctx, PLAN, "planning")


def notes(ctx, key: str, kind: str) -> Job | None:
    """The last ``kind`` job's stop or error note, while its plan (or the lack of one) is what is
    shown; that job when there was one for ``key``."""
    last = st.session_state.get(last_key(kind))
    if last is None or last.key != key or last.kind != kind:
        return None
    what = "plansteps." if kind == PLAN else "plansteps.whatif_"
    if last.error:
        st.error(ctx.t("plansteps.failed", error=last.error))
    elif last.stopped:
        if last.optimal is None:
            st.warning(ctx.t(what + "stopped_nothing", name=last.name))
        else:
            seconds = fmt.decimal(last.seconds, ctx.lang, 1)
            proven = "stopped_proven" if last.optimal.proven_optimal else "stopped"
            st.warning(ctx.t(what + proven, seconds=seconds, name=last.name))
    return last


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
