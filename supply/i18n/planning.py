"""Strings of the School demand and Pooled planning pages (keys demand.* and planning.*)."""

_COST_ZH = (
    "计划最小化的总成本（元）：\n\n"
    "**总成本 = Σ 件数 × (单价[工厂, 款式] + 运费 × 公里数) + 未满足件数 × 缺货罚金**\n\n"
    "- 单价：该厂未取消的校服订单的单价按件数加权平均，优先取同款式（拼单款号以款式代码结尾），"
    "否则取该厂全部校服订单，否则取本产业带同款式订单，否则默认 75 元（演示数据的合成价格）。\n"
    "- 公里数：工厂与学校坐标（WGS-84）之间的球面距离。运费默认每件每公里 0.02 元，缺货罚金默认每件 1000 元，"
    "均为假设值而非来源数据，可在设置中修改。\n"
    "- 产能：校服品类每周的（产能 − 已订）。某周生产的件数在周末完工，再加上工厂的大货交期天数到达学校，"
    "必须不晚于截止日期。\n"
    "- 起订量：某厂为某校某款式生产的件数（各周合计）为 0 或不少于该厂的起订量。"
)
_COST_EN = (
    "The plan minimises this total cost (CNY):\n\n"
    "**total = Σ pieces × (unit price[factory, garment] + transport × km) + unmet pieces × penalty**\n\n"
    "- Unit price: the quantity-weighted mean of the factory's school-uniform orders (orders.unit_price, not "
    "cancelled) for that garment (a pooled SKU ends in the garment code); else all its school-uniform orders; "
    "else the cluster's orders for the garment; else 75 CNY (the demo's synthetic price).\n"
    "- km: great-circle distance between the factory and the school (WGS-84). Transport defaults to 0.02 CNY per "
    "piece per km and the penalty to 1,000 CNY per unmet piece: assumptions, not sourced figures; change them "
    "under Settings.\n"
    "- Capacity: free school-uniform pieces (capacity − booked) per week. Pieces made in a week are finished at "
    "its end and reach the school the factory's bulk lead days later, which must be no later than the deadline.\n"
    "- MOQ: a factory's pieces for one school's garment (all weeks together) are 0 or at least its MOQ."
)

STRINGS = {
    # -- school demand page ----------------------------------------------------------------
    "demand.intro": (
        "学校按班级登记校服需求（款式、尺码、数量、截止日期），协会汇总后统一排产。",
        "Schools hand in uniform demand class by class (garment, size, quantity, deadline); the "
        "association pools it and plans production.",
    ),
    "demand.tab_collection": ("采集进度", "Collection"),
    "demand.tab_pooling": ("拼单汇总", "Pooling"),
    "demand.tab_upload": ("模板与上传", "Template & upload"),
    "demand.tab_heights": ("身高换算尺码", "Heights to sizes"),
    "demand.schools": ("学校", "Schools"),
    "demand.classes_expected": ("应交班级", "Classes expected"),
    "demand.classes_collected": ("已交班级", "Classes handed in"),
    "demand.classes_missing": ("未交班级", "Classes missing"),
    "demand.pieces": ("需求件数", "Pieces"),
    "demand.by_school": ("各校采集进度", "Collection by school"),
    "demand.missing_title": ("未交需求的班级", "Classes that have not handed in"),
    "demand.none_missing": ("所有班级都已提交。", "Every class has handed in."),
    "demand.pick_school": ("学校", "School"),
    "demand.all_schools": ("全部学校", "All schools"),
    "demand.missing_count": ("共 {n} 个班级未提交。", "{n} classes have not handed in."),
    "demand.pooling_intro": (
        "分校生产时每所学校的每个款式、尺码都是一个生产批次；拼单后同款式、同尺码、同一截止周的需求合并为一个批次。",
        "Produced school by school, every school x garment x size is a production lot; "
        "pooled, each garment x size x deadline week is one lot.",
    ),
    "demand.lots_per_school": ("分校生产批次", "Lots, school by school"),
    "demand.lots_pooled_by_week": ("拼单后批次", "Lots, pooled"),
    "demand.mean_lot_per_school": ("分校平均批量（件）", "Mean lot, school by school (pcs)"),
    "demand.mean_lot_pooled": ("拼单平均批量（件）", "Mean lot, pooled (pcs)"),
    "demand.totals_garment_size": ("按款式 × 尺码 × 截止周汇总", "Totals by garment x size x deadline week"),
    "demand.totals_school": ("按学校汇总", "Totals by school"),
    "demand.totals_county": ("按区县汇总", "Totals by county"),
    "demand.template_intro": (
        "下载需求模板（中英文表头），按班级填写尺码和数量后上传。可选择一所学校，预先列出它的全部班级。",
        "Download the demand template (Chinese and English headers), fill in sizes and "
        "quantities per class, and upload it. Pick a school to list all its classes.",
    ),
    "demand.template_school": ("预填学校", "Prefill a school"),
    "demand.template_blank": ("空白模板", "Blank template"),
    "demand.deadline": ("截止日期", "Deadline"),
    "demand.download_csv": ("下载 CSV", "Download CSV"),
    "demand.download_xlsx": ("下载 Excel", "Download Excel"),
    "demand.upload": ("上传填好的模板（CSV 或 Excel）", "Upload a filled template (CSV or Excel)"),
    "demand.checking": ("正在校验……", "Checking…"),
    "demand.has_errors": (
        "{n} 行有错误，见下表（行号、列、原因）。改正后重新上传，或勾选只提交正确的行。",
        "{n} rows have errors, listed below (row, column, reason). Fix them and upload again, "
        "or tick the box to commit only the valid rows.",
    ),
    "demand.allow_partial": ("只提交正确的行", "Commit only the valid rows"),
    "demand.commit": ("提交 {n} 行为新快照", "Commit {n} rows as a new snapshot"),
    "demand.committed": (
        "已写入新快照 {sid}（{rows} 行）。",
        "Written to the new snapshot {sid} ({rows} rows).",
    ),
    "demand.heights_intro": (
        "按 GB/T 1335 号型，把学生身高换算成尺码（取不低于身高的最小号型），生成可上传的需求行。每行一名学生，列为：学校编号、年级、班级、身高（厘米），列名用中文或英文均可。",
        "Turn students' heights into GB/T 1335 sizes (the smallest size at least as tall) "
        "and into demand rows to upload. One row per student, with the columns School id, Grade, "
        "Class and Height (cm) (Chinese or English headers, or the codes school_id, grade, class_name, "
        "height_cm).",
    ),
    "demand.heights_upload": (
        "上传身高表（CSV 或 Excel，可选）",
        "Upload a heights table (CSV or Excel, optional)",
    ),
    "demand.heights_error": ("身高表有问题：{msg}", "The heights table has a problem: {msg}"),
    "demand.heights_result": ("生成 {rows} 行需求，共 {pieces} 件。", "{rows} demand rows, {pieces} pieces."),
    "demand.col.school_id": ("学校编号", "School id"),
    "demand.col.name": ("学校", "School"),
    "demand.col.school_name": ("学校", "School"),
    "demand.col.stage": ("学段", "Stage"),
    "demand.col.classes_expected": ("应交班级", "Classes expected"),
    "demand.col.classes_collected": ("已交班级", "Handed in"),
    "demand.col.classes_missing": ("未交班级", "Missing"),
    "demand.col.collected_share": ("完成率", "Collected"),
    "demand.col.pieces": ("件数", "Pieces"),
    "demand.col.qty": ("件数", "Pieces"),
    "demand.col.deadline": ("截止日期", "Deadline"),
    "demand.col.deadline_week": ("截止周", "Deadline week"),
    "demand.col.last_collected": ("最近提交", "Last handed in"),
    "demand.col.grade": ("年级", "Grade"),
    "demand.col.class_name": ("班级", "Class"),
    "demand.col.garment": ("款式", "Garment"),
    "demand.col.size": ("尺码", "Size"),
    "demand.col.schools": ("学校数", "Schools"),
    "demand.col.adcode": ("区县代码", "County code"),
    "demand.col.county": ("区县", "County"),
    "demand.col.total": ("合计", "Total"),
    "demand.col.summer_uniform": ("夏季校服", "Summer uniform"),
    "demand.col.autumn_uniform": ("春秋季校服", "Spring/autumn uniform"),
    "demand.col.winter_uniform": ("冬季校服", "Winter uniform"),
    "demand.col.sportswear": ("运动服", "Sportswear"),
    "demand.stage.primary": ("小学", "Primary"),
    "demand.stage.junior": ("初中", "Junior secondary"),
    "demand.stage.senior": ("高中", "Senior secondary"),
    # -- pooled planning page --------------------------------------------------------------
    "planning.intro": (
        "把汇总的校服需求分配到各工厂、各周：满足产能、交期与起订量，总成本最低。与贪心基准（最早截止优先、最便宜工厂优先）对比。",
        "Allocate the pooled uniform demand to factories and weeks under capacity, deadlines and "
        "MOQ at the lowest total cost, next to the greedy baseline (earliest deadline first, "
        "cheapest factory first).",
    ),
    "planning.cost_title": ("成本怎么算", "How the cost is computed"),
    "planning.cost_text": (_COST_ZH, _COST_EN),
    "planning.settings": ("设置", "Settings"),
    "planning.members_only": ("仅协会会员工厂", "Association members only"),
    "planning.pooled_only": ("仅已参加拼单的工厂", "Only factories already in pooled planning"),
    "planning.transport": ("运费（元/件/公里）", "Transport (CNY per piece per km)"),
    "planning.penalty": ("缺货罚金（元/件）", "Penalty (CNY per unmet piece)"),
    "planning.max_km": ("最远供货距离（公里，0 = 不限）", "Farthest delivery (km, 0 = any)"),
    "planning.time_limit": ("求解时限（秒）", "Solver time limit (s)"),
    "planning.nothing_to_plan": (
        "没有可排产的内容：{groups} 个需求组，{factories} 家有校服产能的工厂。",
        "Nothing to plan: {groups} demand groups, {factories} factories with school-uniform capacity.",
    ),
    "planning.sizes": (
        "{groups} 个需求组（学校 × 款式），{pieces} 件；{factories} 家工厂；{weeks} 周。",
        "{groups} demand groups (school x garment), {pieces} pieces; {factories} factories; {weeks} weeks.",
    ),
    "planning.solving": ("正在求解……", "Solving…"),
    "planning.solved": ("求解完成", "Solved"),
    "planning.check_failed": ("计划校验发现 {n} 个问题：", "The plan check found {n} problems:"),
    "planning.compare_title": ("最优计划与贪心基准对比", "Optimal plan vs the greedy baseline"),
    "planning.total_cost": ("总成本（含罚金）", "Total cost (incl. penalty)"),
    "planning.unmet": ("未满足（件）", "Unmet (pcs)"),
    "planning.utilisation_after": ("排产后利用率", "Utilisation after the plan"),
    "planning.factories_used": ("参与工厂", "Factories used"),
    "planning.proven": ("已证明最优。", "Proven optimal."),
    "planning.gap": ("与下界相差不超过 {gap}（{status}）。", "Within {gap} of the lower bound ({status})."),
    "planning.status.optimal": ("最优", "optimal"),
    "planning.status.gap": ("线性规划取整，差距如上", "LP with rounding, gap as shown"),
    "planning.status.time_limit": (
        "达到时限，返回已找到的最好计划，未证明最优",
        "time limit reached: the best plan found, not proven optimal",
    ),
    "planning.status.stopped": (
        "已按您的要求停止，返回目前找到的最好计划，未证明最优",
        "stopped at your request: the best plan found so far, not proven optimal",
    ),
    "planning.status.heuristic": ("启发式", "heuristic"),
    "planning.status.replan": (
        "沿用上一计划并修补，下界较宽",
        "previous plan kept and repaired; a looser bound",
    ),
    "planning.method.optimal": ("最优（HiGHS）", "Optimal (HiGHS)"),
    "planning.method.greedy": ("贪心基准", "Greedy baseline"),
    "planning.schedule_title": ("排产日程与产能利用率", "Schedule and capacity utilisation"),
    "planning.heatmap_measure": ("热力图显示", "Heatmap shows"),
    "planning.unmet_title": ("未满足的需求及原因", "Unmet demand, explained"),
    "planning.all_met": ("全部需求都已排产。", "All demand is planned."),
    "planning.why.deadline": (
        "{school}：截止 {deadline}，{unmet} 件无法排产——没有工厂能在交期内送达。",
        "{school}: deadline {deadline}, {unmet} pieces unplanned: no factory can deliver in "
        "time after its lead time.",
    ),
    "planning.why.no_capacity": (
        "{school}：截止 {deadline}，{unmet} 件无法排产——截止前没有空闲的{category}产能。",
        "{school}: deadline {deadline}, {unmet} pieces unplanned: no free {category} "
        "capacity before the deadline.",
    ),
    "planning.why.moq": (
        "{school}：截止 {deadline}，{unmet} 件无法排产——订单小于所有可用工厂的起订量。",
        "{school}: deadline {deadline}, {unmet} pieces unplanned: the order is below every "
        "available factory's MOQ.",
    ),
    "planning.why.capacity": (
        "{school}：截止 {deadline}，{unmet} 件无法排产——{category}产能不足：到 {by} 为止可交付的产能 {capacity} 件，"
        "到期需求 {demand} 件，缺口 {short} 件。",
        "{school}: deadline {deadline}, {unmet} pieces unplanned: {category} capacity is "
        "short. Capacity that can deliver by {by} is {capacity} pieces, demand due by then "
        "{demand}: short by {short}.",
    ),
    "planning.why.taken": (
        "{school}：截止 {deadline}，{unmet} 件无法排产——截止前的{category}产能已被更早或更便宜的需求占用，"
        "或剩余量低于起订量。",
        "{school}: deadline {deadline}, {unmet} pieces unplanned: the {category} capacity before "
        "the deadline is held by earlier or cheaper demand, or what is left is below the MOQ.",
    ),
    "planning.reason.deadline": ("交期来不及", "deadline too close"),
    "planning.reason.no_capacity": ("无空闲产能", "no free capacity"),
    "planning.reason.moq": ("低于起订量", "below MOQ"),
    "planning.reason.capacity": ("产能不足", "capacity short"),
    "planning.reason.taken": ("产能被占用", "capacity taken"),
    "planning.deliveries_title": ("各校交付日期", "Delivery dates per school"),
    "planning.work_orders_title": ("工单（按工厂、按学校）", "Work orders (per factory, per school)"),
    "planning.pick_factory": ("工厂", "Factory"),
    "planning.pick_school": ("学校", "School"),
    "planning.wo_factory": ("工厂 {factory} 的工单", "Work orders of factory {factory}"),
    "planning.wo_school": ("学校 {school} 的工单", "Work orders for school {school}"),
    "planning.download_csv": ("下载 CSV", "Download CSV"),
    "planning.download_xlsx": ("下载 Excel", "Download Excel"),
    "planning.publish": (
        "发布工单（工厂主可在“我的工厂”看到自己的工单）",
        "Publish the work orders (factory owners see their own under My factory)",
    ),
    "planning.published": ("已发布 {n} 行工单。", "Published {n} work-order lines."),
    "planning.whatif_title": ("情景模拟", "What-if scenarios"),
    "planning.whatif_intro": (
        "改变工厂、产能或截止日期后重新排产；每个情景按名称保存，并与基准并列比较。",
        "Change factories, capacity or deadlines and plan again; each scenario is kept by "
        "name and compared side by side with the baseline.",
    ),
    "planning.scenario": ("情景", "Scenario"),
    "planning.scenario_name": ("情景名称", "Scenario name"),
    "planning.remove_factories": ("去掉这些工厂", "Remove these factories"),
    "planning.capacity_scale": ("产能倍数", "Scale capacity by"),
    "planning.scale_only": (
        "只调整这些工厂的产能（留空 = 全部）",
        "Scale only these factories (empty = all)",
    ),
    "planning.deadline_shift": (
        "截止日期推迟天数（负数 = 提前）",
        "Move deadlines by days (negative = earlier)",
    ),
    "planning.shift_only": ("只调整这些学校（留空 = 全部）", "Only these schools (empty = all)"),
    "planning.add_factory": ("手工添加一家工厂", "Add a factory by hand"),
    "planning.lon": ("经度", "Longitude"),
    "planning.lat": ("纬度", "Latitude"),
    "planning.weekly_pieces": ("每周空闲产能（件）", "Free pieces per week"),
    "planning.moq": ("起订量（件）", "MOQ (pcs)"),
    "planning.lead_days": ("大货交期（天）", "Bulk lead time (days)"),
    "planning.unit_price": ("单价（元）", "Unit price (CNY)"),
    "planning.new_factory": ("新增工厂", "Added factory"),
    "planning.run_scenario": ("运行情景", "Run scenario"),
    "planning.baseline": ("基准", "Baseline"),
    "planning.drop_scenario": ("删除情景", "Remove a scenario"),
    "planning.drop": ("删除", "Remove"),
    "planning.col.method": ("方法", "Method"),
    "planning.col.scenario": ("情景", "Scenario"),
    "planning.col.changes": ("改动", "Changes"),
    "planning.col.total_cost": ("总成本（元）", "Total cost (CNY)"),
    "planning.col.production_cost": ("生产成本（元）", "Production (CNY)"),
    "planning.col.transport_cost": ("运费（元）", "Transport (CNY)"),
    "planning.col.penalty_cost": ("缺货罚金（元）", "Penalty (CNY)"),
    "planning.col.planned_pieces": ("已排产（件）", "Planned (pcs)"),
    "planning.col.unmet_pieces": ("未满足（件）", "Unmet (pcs)"),
    "planning.col.demand_pieces": ("需求（件）", "Demand (pcs)"),
    "planning.col.utilisation_after": ("排产后利用率", "Utilisation after"),
    "planning.col.factories_used": ("参与工厂", "Factories used"),
    "planning.col.solve_seconds": ("求解秒数", "Solve (s)"),
    "planning.col.week_start": ("周起始日", "Week starting"),
    "planning.col.factory_id": ("工厂", "Factory"),
    "planning.col.booked_pieces": ("已订（件）", "Booked (pcs)"),
    "planning.col.capacity_pieces": ("产能（件）", "Capacity (pcs)"),
    "planning.col.pieces": ("件数", "Pieces"),
    "planning.col.qty": ("件数", "Pieces"),
    "planning.col.school_id": ("学校编号", "School id"),
    "planning.col.school": ("学校", "School"),
    "planning.col.school_name": ("学校", "School"),
    "planning.col.garment": ("款式", "Garment"),
    "planning.col.size": ("尺码", "Size"),
    "planning.col.deadline": ("截止日期", "Deadline"),
    "planning.col.due_date": ("交期", "Due date"),
    "planning.col.delivery_date": ("送达日期", "Delivered by"),
    "planning.col.category": ("品类", "Category"),
    "planning.col.reason": ("原因", "Reason"),
    "planning.col.short_by_date": ("缺口最大的日期", "Shortest on"),
    "planning.col.capacity_by_deadline": ("届时可交付产能（件）", "Capacity by then (pcs)"),
    "planning.col.demand_by_deadline": ("同期到期需求（件）", "Demand due by then (pcs)"),
    "planning.col.shortfall_pieces": ("缺口（件）", "Short by (pcs)"),
    "planning.col.first_delivery": ("首次送达", "First delivery"),
    "planning.col.last_delivery": ("最后送达", "Last delivery"),
    "planning.col.on_time": ("按时", "On time"),
    "planning.quality.proven": (
        "总成本 {cost}；任何方案都不可能低于 {bound}（差距 {gap}）：已证明最优。",
        "Total cost {cost}; no plan can cost less than {bound} (gap {gap}): proven optimal.",
    ),
    "planning.quality.gap": (
        "总成本 {cost}；任何方案都不可能低于 {bound}，本方案最多高出 {gap}（未证明最优）。",
        "Total cost {cost}; no plan can cost less than {bound}, so this one is at most {gap} above the best (not proven optimal).",
    ),
    "planning.quality.no_bound": (
        "总成本 {cost}；求解在得到下界之前停止，无法说明与最优方案的差距。",
        "Total cost {cost}; the solve stopped before a lower bound was found, so the distance to the best plan is unknown.",
    ),
    "planning.col.lower_bound": ("成本下界", "Lower bound"),
    "planning.col.gap": ("与下界差距", "Gap to bound"),
}
