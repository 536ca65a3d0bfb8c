"""`python -m supply plan`: plan pooled school-uniform production on a snapshot.

Reads the snapshot's demand, schools, factories and capacity (and orders, for unit
prices) as an administrator, solves, checks the plan, and prints a summary or, with
``--json``, one JSON object: total_cost, unmet_pieces, assignments, method,
solve_seconds and extras (status, proven_optimal, lower_bound, gap, quality: one sentence
on cost, bound and gap; costs, lines, unmet).
"""

from __future__ import annotations

import json
import sys

from supply.cli import command


@command("plan", "plan pooled school-uniform production (optimal or greedy) on a snapshot")
def _plan(p):
    p.add_argument("--snapshot", help="snapshot id (default: latest)")
    p.add_argument("--method", choices=("optimal", "greedy"), default="optimal")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the quality sentence")
    p.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="solver time limit in seconds")
    p.add_argument("--cluster", default=None, help="only factories of this cluster (default: every cluster)")
    p.add_argument(
        "--all-factories",
        action="store_true",
        help="also factories that are not association members (default: members only)",
    )
    p.add_argument("--pooled-only", action="store_true", help="only factories already in pooled planning")
    p.add_argument("--max-km", type=float, default=None, help="factories serve schools within this distance")
    p.add_argument(
        "--transport",
        type=float,
        default=None,
        metavar="CNY",
        help="transport cost per piece per km (default 0.02)",
    )
    p.add_argument(
        "--penalty", type=float, default=None, metavar="CNY", help="cost of an unmet piece (default 1000)"
    )
    p.add_argument(
        "--publish", action="store_true", help="publish the work orders (factory owners see their own)"
    )

    def run(args) -> int:
        from supply.data.store import SnapshotError, Store
        from supply.engine.db import Viewer, connect
        from supply.planning import plan as planning

        store = Store(args.data)
        try:
            snap = store.get(args.snapshot)
        except SnapshotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        params = planning.PlanParams(
            transport_cny_per_piece_km=planning.TRANSPORT_CNY_PER_PIECE_KM
            if args.transport is None
            else args.transport,
            unmet_penalty_cny=planning.UNMET_PENALTY_CNY if args.penalty is None else args.penalty,
            max_km=args.max_km,
            time_limit_s=args.time_limit,
        )
        if params.transport_cny_per_piece_km < 0 or params.unmet_penalty_cny <= 0 or args.time_limit <= 0:
            print("error: --transport must be >= 0, --penalty and --time-limit > 0", file=sys.stderr)
            return 2
        db = connect(snap, Viewer("admin"))
        try:
            inputs = planning.load_inputs(
                db,
                cluster_id=args.cluster,
                members_only=not args.all_factories,
                pooled_only=args.pooled_only,
                params=params,
            )
        finally:
            db.close()
        say = None if args.json else (lambda f, m: print(f"  [{f:4.0%}] {m}", file=sys.stderr, flush=True))
        plan = planning.solve(inputs, args.method, time_limit=args.time_limit, progress=say)
        plan.snapshot_id = snap.snapshot_id
        problems = planning.check_plan(plan, inputs)
        if args.publish:
            path = planning.publish_plan(store, snap.snapshot_id, plan)
            if not args.json:
                print(f"published {plan.work_orders.height:,} work orders to {path}", file=sys.stderr)
        if args.json:
            out = planning.to_json(plan)
            out["gap"] = plan.gap
            out["quality"] = planning.quality_sentence(plan, args.lang)
            out["check_problems"] = problems
            out["notes"] = inputs.notes
            print(json.dumps(out, ensure_ascii=False))
        else:
            s = planning.summary(plan, inputs)
            print(
                f"snapshot {snap.snapshot_id}: {inputs.groups.height:,} demand groups, "
                f"{inputs.factories.height:,} factories, {len(inputs.weeks)} weeks"
            )
            print(
                f"method {plan.method}: {plan.status}{' (proven optimal)' if plan.proven_optimal else ''}, "
                f"{plan.solve_seconds:.2f} s"
            )
            print(
                f"total cost {plan.total_cost:,.2f} CNY = production {plan.production_cost:,.2f} + transport "
                f"{plan.transport_cost:,.2f} + unmet penalty {plan.penalty_cost:,.2f}"
            )
            print(planning.quality_sentence(plan, args.lang))
            print(
                f"pieces: demand {plan.demand_pieces:,}, planned {s['planned_pieces']:,}, unmet {plan.unmet_pieces:,}"
            )
            print(f"work orders: {plan.work_orders.height:,} lines at {s['factories_used']} factories")
            for note in inputs.notes:
                print(f"note: {note}")
            for problem in problems:
                print(f"CHECK FAILED: {problem}")
        return 1 if problems else 0

    return run
