"""Strings of the capacity report page, its finder, downloads and printable report."""

STRINGS = {
    "capacity.title": ("产能报告", "Capacity report"),
    "capacity.intro": (
        "会员工厂每周的产能、已订和空闲产能，谁能接新订单，以及参与拼单计划的产能占比。"
        "周期默认从快照日期所在周起 12 周。",
        "Member factories' weekly capacity, booked and idle pieces, who can take a new "
        "order, and the share of capacity in pooled planning. The horizon defaults to 12 "
        "weeks from the week of the snapshot date.",
    ),
    "capacity.planner_note": (
        "政府规划部门只能看到按县和品类汇总的产能；少于 3 家工厂的单元格已隐藏并标注。"
        "没有单个工厂的热力图、会员表和接单查询。",
        "Planners see capacity by county and category only; cells built from fewer "
        "than 3 factories are hidden and marked. There is no per-factory heatmap, "
        "members table or order finder.",
    ),
    "capacity.association_note": (
        "您看到的是本协会的会员工厂。",
        "You see your association's member factories.",
    ),
    "capacity.all_clusters_note": (
        "未选择产业带：显示全部产业带。",
        "No cluster chosen: all clusters are shown.",
    ),
    # controls
    "capacity.start_week": ("起始周", "First week"),
    "capacity.n_weeks": ("周数", "Number of weeks"),
    "capacity.category": ("品类", "Category"),
    "capacity.all_categories": ("全部品类", "All categories"),
    "capacity.weeks_available": (
        "快照包含 {first} 至 {last} 共 {n} 周。",
        "The snapshot covers the {n} weeks from {first} to {last}.",
    ),
    # errors (CapacityInputError keys)
    "capacity.err.no_weeks": (
        "此快照没有产能数据（没有任何周）。请先上传产能表。",
        "This snapshot has no capacity data (no weeks). Upload a capacity table first.",
    ),
    "capacity.err.horizon": (
        "所选周期 {start} 起 {asked} 周（到 {end} 所在周）超出了快照的范围。"
        "快照只包含 {first} 至 {last} 共 {n} 周；请选择更早的起始周或更少的周数。",
        "The horizon of {asked} weeks from {start} (to the week of {end}) is outside "
        "the snapshot. The snapshot has the {n} weeks from {first} to {last}; choose "
        "an earlier first week or fewer weeks.",
    ),
    "capacity.err.horizon_len": (
        "周数必须至少为 1（您输入了 {asked}）。快照包含 {first} 至 {last} 共 {n} 周。",
        "The number of weeks must be at least 1 (you gave {asked}). The snapshot has "
        "the {n} weeks from {first} to {last}.",
    ),
    "capacity.err.sort": (
        "不能按“{value}”排序；可选：{keys}。",
        "Cannot sort by {value!r}; choose one of {keys}.",
    ),
    "capacity.err.category": (
        "未知品类“{category}”；可选：{categories}。",
        "Unknown category {category!r}; use one of {categories}.",
    ),
    "capacity.err.qty": (
        "订单数量必须大于 0 件（您输入了 {qty}）。数量为 0 或负数的订单无需安排工厂。",
        "The quantity must be more than 0 pieces (you gave {qty}). An order of zero or "
        "fewer pieces needs no factory.",
    ),
    "capacity.err.qty_whole": (
        "订单数量必须是整数件（您输入了 {qty}）。",
        "The quantity must be a whole number of pieces (you gave {qty}).",
    ),
    "capacity.err.deadline": (
        "交货周 {week} 不在快照范围内。快照包含 {first} 至 {last} 共 {n} 周。",
        "The deadline week {week} is not in the snapshot. The snapshot has the {n} "
        "weeks from {first} to {last}.",
    ),
    "capacity.err.location": (
        "无法识别位置“{text}”：请按“经度, 纬度”填写，例如 120.10, 30.86。",
        "Cannot read the location {text!r}: write it as 'longitude, latitude', for example 120.10, 30.86.",
    ),
    "capacity.err.location_range": (
        "经度 {lon} 或纬度 {lat} 超出范围（经度 -180 至 180，纬度 -90 至 90）；是否把经纬度写反了？",
        "Longitude {lon} or latitude {lat} is out of range (longitude -180..180, "
        "latitude -90..90); are they swapped?",
    ),
    "capacity.err.county": (
        "未知县区代码 {adcode}；请填写 6 位县级行政区划代码，例如 330502。",
        "Unknown county code {adcode}; give a 6-digit county adcode such as 330502.",
    ),
    "capacity.err.max_km": (
        "最大距离必须大于 0 公里（您输入了 {km}）；填 0 表示不限。",
        "The maximum distance must be more than 0 km (you gave {km}); 0 means no limit.",
    ),
    # KPIs
    "capacity.kpi.capacity": ("周期内产能（件）", "Capacity (pcs)"),
    "capacity.kpi.booked": ("已订（件）", "Booked (pcs)"),
    "capacity.kpi.idle": ("空闲（件）", "Idle (pcs)"),
    "capacity.kpi.utilisation": ("产能利用率", "Utilisation"),
    "capacity.kpi.pooled_share": ("拼单产能占比", "Pooled share"),
    "capacity.kpi.zhili": ("织里报道数字", "Zhili (reported)"),
    "capacity.zhili_line": (
        "对照：织里行业协会据报道统筹了本地产能的{value}（报道数字，不是目标；范围与上面的数字不同，不可直接比较）。",
        "For reference: Zhili's association is reported to coordinate {value} of local capacity (a reported "
        "figure, not a target; it covers a different scope from the figures above and does not compare).",
    ),
    "capacity.kpi.zhili_value": ("约60%", "≈60%"),
    "capacity.pooled_help": (
        "参与拼单计划的工厂产能 ÷ 您可见的全部产能（协会：会员工厂），按所选周期和品类计算。",
        "Capacity of factories in pooled planning ÷ all capacity you can see "
        "(an association: its member factories), over the chosen horizon and category.",
    ),
    "capacity.zhili_source": (
        "织里“约 60%”是报道数字，不是目标：来自观察者网 2023 年对 1688 负责人的采访，"
        "尚无独立来源（项目参考资料中织里事实表的“拼单校服数字”一节）。"
        "演示数据是合成的，两者不可直接比较。",
        'Zhili\'s "about 60%" is a reported figure, not a target: from a 2023 guancha.cn '
        "interview with the head of 1688, with no independent source "
        '(shared/reference/zhili_facts.md, "The pooled school-uniform figures"). '
        "The demo data is synthetic, so the two are not directly comparable.",
    ),
    "capacity.suppressed_note": (
        "有 {cells} 个单元格（最多 {factories} 家工厂）少于 3 家工厂，已隐藏，不计入合计。",
        "{cells} cells (up to {factories} factories) built from fewer than 3 "
        "factories are hidden and left out of the totals.",
    ),
    "capacity.no_data": (
        "所选周期和品类没有产能数据。",
        "There is no capacity data for this horizon and category.",
    ),
    # tabs
    "capacity.tab.weekly": ("每周产能", "Weekly capacity"),
    "capacity.tab.heatmap": ("工厂利用率热力图", "Utilisation heatmap"),
    "capacity.tab.members": ("会员工厂", "Members"),
    "capacity.tab.county": ("按县和品类", "By county and category"),
    "capacity.tab.finder": ("谁能接这单？", "Who can take this order?"),
    "capacity.tab.downloads": ("下载与打印", "Downloads & print"),
    # weekly
    "capacity.weekly_title": ("按品类的每周产能、已订与空闲", "Weekly capacity, booked and idle by category"),
    "capacity.booked_of_capacity": ("已订 / 产能", "booked / capacity"),
    # heatmap
    "capacity.sort_by": ("排序依据", "Sort by"),
    "capacity.sort.utilisation": ("利用率", "Utilisation"),
    "capacity.sort.capacity": ("产能", "Capacity"),
    "capacity.top_n": ("显示前 N 家工厂", "Show the top N factories"),
    "capacity.heatmap_caption": (
        "为便于阅读，只显示按{by}排序的前 {n} 家工厂（共 {total} 家）。颜色为每周已订 ÷ 产能。",
        "For readability only the top {n} of {total} factories by {by} are shown. "
        "Colour is booked ÷ capacity per week.",
    ),
    "capacity.no_factories": ("没有可显示的工厂。", "There are no factories to show."),
    # members
    "capacity.members_caption": (
        "{n} 家工厂；产能、已订与利用率为所选周期合计。",
        "{n} factories; capacity, booked and utilisation are totals over the horizon.",
    ),
    # county
    "capacity.county_caption": (
        "“已隐藏”表示该单元格少于 3 家工厂，数字不显示；“部分隐藏”表示其中一部分"
        "（少于 3 家工厂的子单元格）未计入。",
        "'Suppressed' means the cell has fewer than 3 factories and shows no numbers; "
        "'partly suppressed' means part of it (sub-cells of fewer than 3 factories) "
        "is left out.",
    ),
    "capacity.suppression.shown": ("显示", "shown"),
    "capacity.suppression.partly_suppressed": ("部分隐藏（<3 家工厂）", "partly suppressed (<3 factories)"),
    "capacity.suppression.suppressed": ("已隐藏（<3 家工厂）", "suppressed (<3 factories)"),
    # columns
    "capacity.col.county": ("县区", "County"),
    "capacity.col.adcode": ("县区代码", "County code"),
    "capacity.col.factories": ("工厂数", "Factories"),
    "capacity.col.suppressed_factories": ("隐藏的工厂数", "Factories hidden"),
    "capacity.col.suppressed_cells": ("隐藏的单元格数", "Cells hidden"),
    "capacity.col.suppression": ("隐藏状态", "Suppression"),
    "capacity.col.pooled_capacity_pieces": ("拼单计划产能（件）", "Pooled-planning capacity (pcs)"),
    "capacity.col.factory_id": ("工厂编号", "Factory id"),
    "capacity.col.name": ("工厂名称", "Factory"),
    "capacity.col.town": ("镇街", "Town"),
    "capacity.col.categories": ("品类", "Categories"),
    "capacity.col.member": ("协会会员", "Member"),
    "capacity.col.pooled": ("参与拼单计划", "In pooled planning"),
    "capacity.col.employees": ("员工数", "Employees"),
    "capacity.col.moq": ("起订量（件）", "MOQ (pcs)"),
    "capacity.col.sample_days": ("打样天数", "Sample days"),
    "capacity.col.lead_days": ("大货交期（天）", "Bulk lead time (days)"),
    "capacity.col.certifications": ("认证", "Certifications"),
    "capacity.col.rank": ("排名", "Rank"),
    "capacity.col.horizon_utilisation": ("周期利用率", "Horizon utilisation"),
    "capacity.col.horizon_capacity": ("周期产能（件）", "Horizon capacity (pcs)"),
    "capacity.col.idle_usable": ("交期前可用空闲（件）", "Idle before deadline (pcs)"),
    "capacity.col.idle_weeks": ("有空闲的周数", "Weeks with idle"),
    "capacity.col.first_week": ("最早可用周", "First usable week"),
    "capacity.col.last_week": ("最晚可用周", "Last usable week"),
    "capacity.col.distance_km": ("距离（公里）", "Distance (km)"),
    "capacity.col.can_take_all": ("可独立承接", "Can take it all"),
    "capacity.col.cover_pts": ("覆盖分", "Cover points"),
    "capacity.col.lead_pts": ("交期分", "Lead-time points"),
    "capacity.col.distance_pts": ("距离分", "Distance points"),
    "capacity.col.score": ("得分", "Score"),
    "capacity.col.pieces": ("分配件数", "Pieces"),
    # finder
    "capacity.finder.title": ("谁能接这单？", "Who can take this order?"),
    "capacity.finder.category": ("订单品类", "Order category"),
    "capacity.finder.qty": ("数量（件）", "Quantity (pcs)"),
    "capacity.finder.deadline": ("交货周（该周结束前交货）", "Deadline week (deliver by its end)"),
    "capacity.finder.location": ("交货地点（可选）", "Delivery location (optional)"),
    "capacity.loc.none": ("不限", "Any"),
    "capacity.loc.county": ("县区", "County"),
    "capacity.loc.lonlat": ("经纬度", "Longitude, latitude"),
    "capacity.finder.county": ("县区", "County"),
    "capacity.finder.lonlat": ("经度, 纬度", "Longitude, latitude"),
    "capacity.finder.coord_system": ("坐标系", "Coordinate system"),
    "capacity.coord.wgs84": ("WGS-84（GPS）", "WGS-84 (GPS)"),
    "capacity.coord.gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)"),
    "capacity.coord.bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "capacity.finder.max_km": ("最大距离（公里，0 = 不限）", "Maximum distance (km, 0 = no limit)"),
    "capacity.finder.formula": (
        "**规则与得分（公开透明）**\n\n"
        "1. 可用周：第 w 周的产能可用于本单，当且仅当 w + 工厂大货交期（天）≤ 交货周（生产在第 w 周结束后，还需交期）。\n"
        "2. 可用空闲 = 可用周内本品类（产能 − 已订）之和。\n"
        "3. 入选：起订量 ≤ 订单数量，且起订量 ≤ 可用空闲；给出最大距离时，距离不超过它。\n"
        "4. 得分 = 60 × 较小值(可用空闲 ÷ 数量, 1) + 20 × (1 − 较小值(交期天数 ÷ 30, 1)) + 20 × (1 − 较小值(距离公里 ÷ 300, 1))；"
        "未给地点时距离分为 0。\n"
        "5. 安排：排名最高、能独立承接全部数量的工厂；没有任何一家能独立承接时，按排名依次分配"
        "（每家不超过其可用空闲、不少于其起订量），仍不足的部分列为缺口。",
        "**Rules and score (transparent)**\n\n"
        "1. Usable weeks: week w's capacity can go to this order when w + the factory's bulk lead time "
        "(days) ≤ the deadline week (production ends with week w, then the lead time runs).\n"
        "2. Usable idle = the sum of (capacity − booked) of this category over the usable weeks.\n"
        "3. Eligible: MOQ ≤ the quantity and MOQ ≤ usable idle; with a maximum distance, within it.\n"
        "4. Score = 60 × min(usable idle ÷ quantity, 1) + 20 × (1 − min(lead days ÷ 30, 1)) "
        "+ 20 × (1 − min(distance km ÷ 300, 1)); the distance term is 0 without a location.\n"
        "5. Plan: the best-ranked factory that can take the whole quantity alone; when none can, the "
        "order is split down the ranking (each share at most the factory's usable idle and at least "
        "its MOQ), and what is left is reported as a shortfall.",
    ),
    "capacity.finder.single": (
        "{name}（{fid}）可以独立承接全部 {qty} 件，在 {week} 所在周结束前交货。",
        "{name} ({fid}) can take all {qty} pieces alone, delivered by the end of the week of {week}.",
    ),
    "capacity.finder.split": (
        "没有任何一家工厂能独立承接 {qty} 件（最多一家可用空闲为 {best} 件）。订单已拆分给 {n} 家工厂。",
        "No single factory can take {qty} pieces (the most any one has free is {best}). "
        "The order is split across {n} factories.",
    ),
    "capacity.finder.shortfall": (
        "在 {week} 所在周结束前只能安排 {placed} 件，缺口 {short} 件。"
        "可选择更晚的交货周、放宽距离，或与非会员工厂联系。",
        "Only {placed} pieces can be placed by the end of the week of {week}; "
        "{short} pieces are short. Try a later deadline, a wider distance, or "
        "factories outside the association.",
    ),
    "capacity.finder.none": (
        "没有工厂能在 {week} 所在周结束前承接此品类的订单（考虑了交期、起订量和距离）。",
        "No factory can take an order of this category by the end of the week of "
        "{week} (lead times, MOQ and distance considered).",
    ),
    "capacity.finder.plan": ("安排", "Plan"),
    "capacity.finder.candidates": (
        "候选工厂（按得分排序，显示前 {n} 家，共 {total} 家）",
        "Candidate factories (by score; top {n} of {total} shown)",
    ),
    "capacity.finder.not_for_planner": (
        "接单查询需要单个工厂的数据，规划部门不可用。",
        "The order finder needs per-factory data, which planners do not see.",
    ),
    # downloads
    "capacity.dl.table": ("要下载的表", "Table to download"),
    "capacity.dl.weekly": ("每周产能（按品类）", "Weekly capacity by category"),
    "capacity.dl.members": ("会员工厂表", "Members table"),
    "capacity.dl.county": ("按县和品类", "By county and category"),
    "capacity.dl.heatmap": ("工厂 × 周利用率", "Factory x week utilisation"),
    "capacity.dl.finder": ("接单查询结果", "Order finder result"),
    "capacity.dl.csv": ("下载 CSV", "Download CSV"),
    "capacity.dl.xlsx": ("下载 Excel", "Download Excel"),
    "capacity.dl.report": ("下载可打印报告（HTML）", "Download printable report (HTML)"),
    "capacity.dl.report_help": (
        "在浏览器中打开 HTML 文件，按 Ctrl+P 打印或另存为 PDF（已设置 A4 横向）。",
        "Open the HTML file in a browser and press Ctrl+P to print or save as PDF (set up for A4 landscape).",
    ),
    "capacity.dl.building": ("正在生成报告…", "Building the report…"),
    # printable report
    "capacity.report.title": ("产能报告", "Capacity report"),
    "capacity.report.association": ("协会", "Association"),
    "capacity.report.cluster": ("产业带", "Cluster"),
    "capacity.report.snapshot": ("数据快照", "Snapshot"),
    "capacity.report.as_of": ("数据日期", "Data as of"),
    "capacity.report.generated": ("生成日期", "Generated on"),
    "capacity.report.viewer": ("查看身份", "Viewed as"),
    "capacity.report.filters": ("筛选条件", "Filters applied"),
    "capacity.report.horizon": ("{start} 起 {n} 周", "{n} weeks from {start}"),
    "capacity.report.summary": ("摘要", "Summary"),
    "capacity.report.weekly": (
        "按品类的每周产能、已订与空闲",
        "Weekly capacity, booked and idle by category",
    ),
    "capacity.report.county": ("按县和品类", "By county and category"),
    "capacity.report.heatmap": (
        "工厂 × 周利用率（前 {n} 家，共 {total} 家，按{by}排序）",
        "Factory x week utilisation (top {n} of {total}, by {by})",
    ),
    "capacity.report.members": (
        "会员工厂（按产能前 {n} 家，共 {total} 家）",
        "Member factories (top {n} of {total} by capacity)",
    ),
    "capacity.report.synthetic": (
        "本报告基于合成的演示数据，不代表真实企业。",
        "This report is built on synthetic demo data and describes no real firm.",
    ),
    "capacity.report.legend": (
        "红色为已订，浅蓝为空闲，深蓝线为产能。",
        "Red is booked, light blue idle, the dark line capacity.",
    ),
    "capacity.report.footer": (
        "由产业带供需看板生成。",
        "Generated by the industrial-cluster supply dashboard.",
    ),
    # paged tables (issue 12): a page at a time, sorted and searched in the engine
    "paging.sort": ("排序", "Sort by"),
    "paging.order": ("顺序", "Order"),
    "paging.order.desc": ("降序", "Descending"),
    "paging.order.asc": ("升序", "Ascending"),
    "paging.size": ("每页行数", "Rows per page"),
    "paging.page": ("页码", "Page"),
    "paging.caption": (
        "第 {page} / {pages} 页：第 {first}–{last} 行，共 {total} 行",
        "Page {page} of {pages}: rows {first}–{last} of {total}",
    ),
    "paging.none": ("没有符合条件的行（共 0 行）。", "No rows match (0 rows)."),
    "paging.sort.value": ("金额", "Value"),
    "paging.download_all": (
        "下载包含全部 {total} 行（不只是本页），点击时生成。",
        "Downloads hold all {total} rows (not just this page) and are made when clicked.",
    ),
    "capacity.members_search": ("搜索工厂名称、编号或镇", "Search factory name, id or town"),
}
