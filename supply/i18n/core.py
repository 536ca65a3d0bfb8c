"""Strings of the app shell, the Overview page and shared labels (categories, roles...)."""

STRINGS = {
    # app shell
    "app.title": ("产业带供需看板", "Industrial-cluster supply dashboard"),
    "app.language": ("语言", "Language"),
    "app.cluster": ("产业带", "Cluster"),
    "app.all_clusters": ("全部产业带", "All clusters"),
    "app.snapshot": ("数据快照", "Snapshot"),
    "app.view_as": ("以…身份查看（演示模式）", "View as (demo mode)"),
    "app.view_as_factory": ("工厂", "Factory"),
    "app.demo_banner": (
        "演示模式：未配置用户，可任意切换角色。数据为合成的演示数据，不代表真实企业。",
        "Demo mode: no users are configured, so any role can be chosen. "
        "The data is synthetic demo data and describes no real firm.",
    ),
    "app.synthetic": ("合成演示数据（非真实企业数据）", "Synthetic demo data (not real firms)"),
    "app.no_snapshot": (
        "还没有数据快照。在项目目录运行 `make demo`（或 `python -m supply demo`）生成演示数据，"
        "或用 `python -m supply ingest` 导入自己的数据。",
        "There is no snapshot yet. Run `make demo` (or `python -m supply demo`) in the "
        "project folder to build the demo data, or load your own with `python -m supply ingest`.",
    ),
    "app.snapshot_fallback": (
        "所选快照 {name} 未通过完整性检查（{reason}），现显示最近的完好快照 {shown}。"
        "请管理员运行 `python -m supply verify` 并从备份恢复。",
        "The chosen snapshot {name} failed its integrity check ({reason}); showing the nearest good "
        "snapshot, {shown}, instead. Ask an administrator to run `python -m supply verify` and restore it.",
    ),
    "app.no_good_snapshot": (
        "没有通过完整性检查的快照：{reason}",
        "No snapshot passes its integrity check: {reason}",
    ),
    "app.skipped_snapshot": (
        "已跳过损坏的快照 {name}：{reason}",
        "Skipped corrupt snapshot {name}: {reason}",
    ),
    "app.not_for_role": ("当前角色无权查看此页面。", "Your role cannot open this page."),
    "app.snapshot_caption": ("数据快照：{sid} · 数据截至 {as_of}", "Snapshot: {sid} · data as of {as_of}"),
    "app.snapshot_help": (
        "每个快照标明写入时间（北京时间）、来源和上传人；最新的在最上面。",
        "Each snapshot shows when it was written (Beijing time), its source and who made it; newest first.",
    ),
    "app.error": ("出错了：{msg}", "Something went wrong: {msg}"),
    # navigation sections and pages
    "nav.section.overview": ("总览", "Overview"),
    "nav.section.planners": ("规划", "Planning & maps"),
    "nav.section.associations": ("协会", "Associations"),
    "nav.section.factory": ("工厂", "Factory"),
    "nav.section.data": ("数据", "Data"),
    "page.overview": ("总览", "Overview"),
    "page.map": ("产业带地图", "Cluster map"),
    "page.capacity": ("产能报告", "Capacity report"),
    "page.demand": ("校服需求采集", "School demand"),
    "page.planning": ("拼单生产计划", "Pooled planning"),
    "page.inventory": ("库存", "Inventory"),
    "page.my_factory": ("我的工厂", "My factory"),
    "page.data_upload": ("数据上传", "Upload data"),
    "page.history": ("快照历史", "Snapshot history"),
    # roles
    "role.planner": ("政府规划部门", "Government planner"),
    "role.association": ("行业协会", "Trade association"),
    "role.factory": ("工厂主", "Factory owner"),
    "role.admin": ("管理员", "Administrator"),
    # categories
    "category.childrens_wear": ("童装", "Children's wear"),
    "category.school_uniform": ("校服", "School uniforms"),
    "category.shoes": ("鞋", "Shoes"),
    "category.packaging": ("包装印刷", "Packaging & printing"),
    "category.small_commodities": ("小商品", "Small commodities"),
    "category.crystal": ("水晶", "Crystal"),
    "category.press_on_nails": ("穿戴甲", "Press-on nails"),
    "category.textiles": ("纺织服装", "Textiles & garments"),
    # garments, channels, statuses
    "garment.summer_uniform": ("夏季校服", "Summer uniform"),
    "garment.autumn_uniform": ("春秋季校服", "Spring/autumn uniform"),
    "garment.winter_uniform": ("冬季校服", "Winter uniform"),
    "garment.sportswear": ("运动服", "Sportswear"),
    "channel.pooled": ("拼单", "Pooled"),
    "channel.direct": ("直接订单", "Direct"),
    "status.open": ("待生产", "Open"),
    "status.in_production": ("生产中", "In production"),
    "status.shipped": ("已发货", "Shipped"),
    "status.cancelled": ("已取消", "Cancelled"),
    # overview
    "overview.title": ("总览", "Overview"),
    "overview.intro.planner": (
        "所选产业带的概况：产能、订单和库存是全部工厂按县和品类的汇总；每项与上一个快照比较。"
        "未来 4 周指从快照日期所在周起的 4 周。",
        "The selected cluster at a glance: capacity, orders and stock are totals over every factory by "
        "county and category, each compared with the previous snapshot. The next 4 weeks start with the "
        "week of the snapshot date.",
    ),
    "overview.intro.association": (
        "所选产业带中协会会员工厂的概况；每项与上一个快照比较。未来 4 周指从快照日期所在周起的 4 周。",
        "The association's member factories in the selected cluster at a glance, each compared with the "
        "previous snapshot. The next 4 weeks start with the week of the snapshot date.",
    ),
    "overview.intro.factory": (
        "上面是你自己工厂的数字，下面是产业带的公开数字（工厂名录）；两者分开显示，不可相比。",
        "Above: your own factory's figures. Below: the cluster's public figures (the factory "
        "directory). They are shown apart and do not compare.",
    ),
    "overview.intro.admin": (
        "所选产业带全部工厂的概况（管理员看到全部数据）；每项与上一个快照比较。",
        "Every factory of the selected cluster at a glance (administrators see all data), each "
        "compared with the previous snapshot.",
    ),
    "overview.scoped.planner": ("产能、订单与库存（汇总）", "Capacity, orders and stock (totals)"),
    "overview.scoped.association": ("会员工厂的产能、订单与库存", "Members' capacity, orders and stock"),
    "overview.scoped.factory": ("你的工厂", "Your factory"),
    "overview.scoped.admin": ("全部工厂的产能、订单与库存", "Capacity, orders and stock of every factory"),
    "overview.public": ("产业带公开数字", "The cluster's public figures"),
    "overview.members": ("协会会员工厂数", "Association members"),
    "overview.help.factories": (
        "工厂名录中属于本产业带的工厂数（公开信息）。",
        "Factories of this cluster in the public directory.",
    ),
    "overview.help.members": (
        "工厂名录中标为行业协会会员的工厂数（公开信息）。",
        "Factories of this cluster marked as association members in the public directory.",
    ),
    "overview.in_pool": ("参与拼单计划", "In pooled planning"),
    "overview.help.in_pool": (
        "你的工厂是否参与协会的拼单生产计划。",
        "Whether your factory takes part in the association's pooled planning.",
    ),
    "overview.missing": (
        "这个范围内没有可用的数据（或单元格因少于 3 家工厂而隐藏）",
        "there is no data in this scope (or the cells are withheld as built from fewer than 3 factories)",
    ),
    "overview.no_capacity": ("这 12 周没有产能数据。", "There is no capacity data for these 12 weeks."),
    "overview.factories": ("工厂数", "Factories"),
    "overview.capacity": ("4 周产能（件）", "Capacity, 4 wks"),
    "overview.utilisation": ("产能利用率", "Utilisation"),
    "overview.open_orders": ("在手订单（件）", "Open orders"),
    "overview.pooled_share": ("拼单产能占比", "Pooled share"),
    "overview.inventory": ("成品库存（件）", "Stock (pcs)"),
    "overview.help.capacity": (
        "从快照日期所在周起 4 周的产能合计（件）。",
        "Total capacity in the 4 weeks from the snapshot's week (pieces).",
    ),
    "overview.help.utilisation": ("同 4 周内已订 ÷ 产能。", "Booked ÷ capacity in the same 4 weeks."),
    "overview.help.open_orders": (
        "状态为待生产或生产中的订单件数。",
        "Pieces on orders that are open or in production.",
    ),
    "overview.help.pooled_share": (
        "参与拼单计划的工厂的产能 ÷ 同一范围（见上方“范围”）内的全部产能（同 4 周）。",
        "Capacity of factories in pooled planning ÷ all capacity in the same scope (see 'Covers' above), "
        "same 4 weeks.",
    ),
    "overview.help.inventory": (
        "最新盘点的成品库存件数。",
        "Finished stock on hand at the latest count (pieces).",
    ),
    "overview.no_previous": ("没有更早的快照可比较。", "There is no earlier snapshot to compare with."),
    "overview.compared_with": ("与快照 {sid} 比较", "Compared with snapshot {sid}"),
    "overview.weekly_chart": ("未来 12 周产能与已订产能", "Capacity and booked, next 12 weeks"),
    "overview.suppressed": (
        "有 {n} 个单元格少于 3 家工厂，已隐藏，不计入合计。",
        "{n} cells built from fewer than 3 factories are hidden and left out of totals.",
    ),
    "overview.zhili_note": (
        "参考：据报道，织里行业协会统筹了约 60% 的本地产能（观察者网，2023，对 1688 负责人的采访）。这是报道数字，不是目标。",
        "Reference: Zhili's association is reported to coordinate about 60% of local "
        "capacity (guancha.cn, 2023, interview with the head of 1688). A reported figure, not a target.",
    ),
    # chart / table labels
    "col.week_start": ("周起始日", "Week starting"),
    "col.category": ("品类", "Category"),
    "col.capacity_pieces": ("产能（件）", "Capacity (pcs)"),
    "col.booked_pieces": ("已订（件）", "Booked (pcs)"),
    "col.idle_pieces": ("空闲（件）", "Idle (pcs)"),
    "col.utilisation": ("利用率", "Utilisation"),
    "col.pieces": ("件数", "Pieces"),
    "col.measure": ("指标", "Measure"),
}
