"""Strings of the planning-side pages: pooled-planning steps and scenario words, demand and inventory helpers."""

STRINGS = {
    "plansteps.tab.demand": ("① 需求", "① Demand"),
    "plansteps.tab.plan": ("② 方案", "② Plan"),
    "plansteps.tab.check": ("③ 核对", "③ Check"),
    "plansteps.tab.publish": ("④ 发布", "④ Publish"),
    "plansteps.tab.whatif": ("情景模拟", "What-if"),
    "plansteps.demand_intro": (
        "参与排产的需求：各校各款式的件数。班级明细和收集进度在“学校需求”页。",
        "The demand to plan: pieces per school and garment. Class-level detail and collection "
        "progress are on the School demand page.",
    ),
    "plansteps.solve": ("计算方案", "Compute the plan"),
    "plansteps.solve_again": ("按当前设置重新计算", "Compute again with these settings"),
    "plansteps.solve_help": (
        "求解最优方案和贪心基准，通常需要几秒到十几秒。结果会保存，下次打开本页直接显示。",
        "Solves the optimal plan and the greedy baseline, usually in a few seconds. The result "
        "is kept and shown the next time you open this page.",
    ),
    "plansteps.no_plan": (
        "这些设置下还没有计算过方案。点击“计算方案”开始。",
        "No plan has been computed for these settings yet. Press “Compute the plan” to start.",
    ),
    "plansteps.cached": (
        "显示的是 {time} 按相同数据和设置计算的方案。",
        "Showing the plan computed at {time} from the same data and settings.",
    ),
    "plansteps.published_state": (
        "本快照已发布方案：{lines} 行工单，总成本 {cost}，未满足 {unmet} 件。",
        "Published for this snapshot: {lines} work-order lines, total cost {cost}, {unmet} pieces unmet.",
    ),
    "plansteps.not_published": ("本快照还没有发布方案。", "No plan is published for this snapshot yet."),
    "plansteps.need_plan": (
        "先在“② 方案”中计算方案。",
        "Compute a plan under “② Plan” first.",
    ),
    "plansteps.published_orders": ("已发布的工单", "Published work orders"),
    "plansteps.progress": ("正在求解…… {pct}", "Solving… {pct}"),
    "plansteps.stop": ("停止计算", "Stop"),
    "plansteps.stop_help": (
        "停止求解，保留目前找到的最好方案（附下界和差距）。",
        "Stops the solve and keeps the best plan found so far (with its lower bound and gap).",
    ),
    "plansteps.stopping": (
        "正在停止，稍候显示目前找到的最好方案……",
        "Stopping; the best plan found so far follows in a moment…",
    ),
    "plansteps.stopped": (
        "计算已按您的要求在 {seconds} 秒后停止。下面是停止时找到的最好方案，未必最优；它与最优的差距见下文。",
        "You stopped the computation after {seconds} s. Below is the best plan found by then; it may "
        "not be optimal, and how far it can be from the best is stated below.",
    ),
    "plansteps.stopped_proven": (
        "计算已按您的要求在 {seconds} 秒后停止；停止时找到的方案已证明最优。",
        "You stopped the computation after {seconds} s; the plan found by then is already proven optimal.",
    ),
    "plansteps.stopped_nothing": (
        "计算在得到任何方案之前被您停止，没有可显示的新方案。点击上方按钮可重新开始。",
        "You stopped the computation before any plan was found, so there is no new plan to show. "
        "Press the button above to start again.",
    ),
    "plansteps.still_running": (
        "仍在计算。点击“刷新进度”查看进度，计算完成后显示方案。",
        "Still computing. Press “Update progress” to see how far it is; the plan shows when it is done.",
    ),
    "plansteps.refresh": ("刷新进度", "Update progress"),
    "plansteps.busy_whatif": (
        "正在计算情景“{name}”（见“情景模拟”）。一次只能进行一项计算：请等它完成，或在那里停止，再计算方案。",
        "The what-if “{name}” is being computed (see What-if). Only one computation runs at a time: "
        "wait for it or stop it there before computing the plan.",
    ),
    "plansteps.busy_plan": (
        "正在“② 方案”中计算方案。一次只能进行一项计算：请等它完成，或在那里停止，再运行情景。",
        "The plan is being computed under “② Plan”. Only one computation runs at a time: wait for "
        "it or stop it there before running a scenario.",
    ),
    "plansteps.refused": (
        "已有一项计算在进行，一次只能进行一项，所以这次没有开始。请等它完成或停止它后再试。",
        "A computation is already running and only one runs at a time, so this one was not "
        "started. Wait for it or stop it, then try again.",
    ),
    "plansteps.whatif_stopped": (
        "情景“{name}”的计算已按您的要求在 {seconds} 秒后停止。表中它的一行是停止时找到的最好方案，"
        "未必最优；它与最优的差距见下文。",
        "You stopped the what-if “{name}” after {seconds} s. Its row in the table is the best plan "
        "found by then; it may not be optimal, and how far it can be from the best is stated below.",
    ),
    "plansteps.whatif_stopped_proven": (
        "情景“{name}”的计算已按您的要求在 {seconds} 秒后停止；停止时找到的方案已证明最优。",
        "You stopped the what-if “{name}” after {seconds} s; the plan found by then is already proven optimal.",
    ),
    "plansteps.whatif_stopped_nothing": (
        "情景“{name}”的计算在得到任何方案之前被您停止，所以没有加入下表。可以再次运行该情景。",
        "You stopped the what-if “{name}” before any plan was found, so it was not added to the "
        "table. Run the scenario again to retry.",
    ),
    "plansteps.whatif_quality": ("情景“{name}”的方案：", "The plan of the what-if “{name}”:"),
    "plansteps.failed": ("计算出错：{error}", "The computation failed: {error}"),
    "plansteps.unmet_columns_note": (
        "“缺口最大的日期”“届时可交付产能”“同期到期需求”和“缺口”只用于原因为“产能不足”的行，其他行显示“—”。",
        "Shortest on, capacity by then, demand due by then and short by apply only to rows whose "
        "reason is capacity short; other rows show —.",
    ),
    "plansteps.col.changes": ("改动", "Changes"),
    "plansteps.change.none": ("无改动", "no changes"),
    "plansteps.change.remove": ("去掉 {names}", "without {names}"),
    "plansteps.change.scale": ("产能 ×{x}", "capacity ×{x}"),
    "plansteps.change.scale_some": ("{names} 的产能 ×{x}", "capacity of {names} ×{x}"),
    "plansteps.change.later": ("截止日期推迟 {d} 天", "deadlines {d} days later"),
    "plansteps.change.earlier": ("截止日期提前 {d} 天", "deadlines {d} days earlier"),
    "plansteps.change.some_schools": ("（{names}）", " ({names})"),
    "plansteps.change.add": ("新增 {name}（每周 {weekly} 件）", "adding {name} ({weekly} pieces a week)"),
    "plansteps.and_more": ("{names} 等 {n} 家", "{names} and {more} more"),
    "plansteps.sep": ("；", "; "),
    "plansteps.list_sep": ("、", ", "),
    "planpages.height_cm": ("身高（厘米）", "Height (cm)"),
    "planpages.inv.measure": ("指标", "Measure"),
}
