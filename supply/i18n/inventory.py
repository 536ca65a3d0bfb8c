"""Strings of the Inventory page (issue 6): baseline vs pooled, sensitivity, measured stock."""

STRINGS = {
    "inventory.title": ("库存：拼单能减少多少库存", "Inventory: what pooling removes"),
    "inventory.intro": (
        "比较校服生产的两种方式：各工厂先按预测备货（备货生产，基线），和按班级采集的尺码拼单生产、"
        "只保留一个共享补货缓冲库存（拼单按单生产）。数字来自对一个校服季的蒙特卡洛模拟。",
        "Two ways to make school uniforms: each factory produces ahead to a forecast (make-to-stock, "
        "the baseline), or sizes are collected class by class and pooled, and the only stock is one "
        "shared replacement buffer (pooled make-to-order). Figures come from a Monte Carlo "
        "simulation of one school-uniform season.",
    ),
    "inventory.no_schools": (
        "所选产业带所在城市没有学校或校服需求数据，无法运行模型。请选择有学校数据的产业带（演示数据中为织里），"
        "或在“数据上传”中导入学校与需求。",
        "There are no schools or uniform demand in the selected cluster's cities, so the model cannot "
        "run. Pick a cluster with schools (Zhili in the demo data), or load schools and demand on the "
        "Upload data page.",
    ),
    "inventory.source.demand": (
        "输入：{schools} 所学校按班级采集的需求，{cells} 个“学校×款式×尺码”单元，共 {pieces} 件。",
        "Inputs: class-level demand of {schools} schools, {cells} school x garment x size cells, "
        "{pieces} pieces.",
    ),
    "inventory.source.schools": (
        "您的角色看不到班级名单，因此模型用每所学校的学生数和年级估算尺码：身高分布取自国家标准 WS/T 612-2018，"
        "每名学生每季 6 件（夏装 2、春秋装 2、冬装 1、运动服 1，这是假设）。{schools} 所学校，约 {pieces} 件。",
        "Your role cannot see class lists, so the model estimates sizes from each school's students and "
        "grades: heights from the national reference WS/T 612-2018, and 6 pieces per student a season "
        "(2 summer, 2 spring/autumn, 1 winter, 1 sportswear; an assumption). {schools} schools, about "
        "{pieces} pieces.",
    ),
    "inventory.unit_cost.stock": (
        "按本快照中校服工厂库存的平均单位成本 ¥{v:.2f}/件估值。",
        "Valued at the average unit cost of the uniform makers' stock in this snapshot, ¥{v:.2f} a piece.",
    ),
    "inventory.unit_cost.price": (
        "您的角色看不到逐厂库存成本，按拼单校服订单的平均单价 ¥{v:.2f}/件估值（这是价格，不是成本，金额偏高）。",
        "Your role cannot see per-factory stock costs, so stock is valued at the "
        "average pooled uniform order price, ¥{v:.2f} a piece (a price, not a cost: "
        "values are on the high side).",
    ),
    "inventory.unit_cost.none": (
        "没有可用的单位成本，只显示件数。可在“高级设置”中填写单位成本。",
        "No unit cost is available, so only pieces are shown. Enter one under Advanced settings.",
    ),
    "inventory.unit_cost.user": (
        "按您填写的单位成本 ¥{v:.2f}/件估值。",
        "Valued at your unit cost, ¥{v:.2f} a piece.",
    ),
    # sliders
    "inventory.params": ("模型参数", "Model parameters"),
    "inventory.params_help": (
        "默认值是可调整的假设，不是测量值；最小起订量默认取本产业带校服工厂的中位数。",
        "Defaults are assumptions to adjust, not measurements; the MOQ defaults to the "
        "median of the cluster's uniform makers.",
    ),
    "inventory.moq": ("最小起订量（件）", "MOQ (pieces)"),
    "inventory.moq_help": (
        "基线中每所学校每个款式一批的最少件数。",
        "Smallest lot of one school x garment in the baseline.",
    ),
    "inventory.forecast_cv": ("尺码预测误差（%）", "Size forecast error (%)"),
    "inventory.forecast_cv_help": (
        "基线工厂对每个尺码所占比例的预测误差（变异系数）。",
        "Error of the baseline factory's forecast of each size's share (coefficient of variation).",
    ),
    "inventory.schools_pooled": ("共享缓冲的学校数", "Schools per buffer"),
    "inventory.schools_pooled_help": (
        "几所学校共享一个补货缓冲库存；最大值 = 全部学校共享一个。",
        "How many schools share one replacement buffer; the maximum = one buffer for all.",
    ),
    "inventory.replacement_rate": ("补货需求（%）", "Replacements (%)"),
    "inventory.replacement_rate_help": (
        "学期内补货需求（丢失、新生）占首批件数的百分比。",
        "Replacement demand in the term (lost uniforms, new pupils) as % of first-issue pieces.",
    ),
    "inventory.correlation": ("学校间相关系数", "Correlation"),
    "inventory.correlation_help": (
        "各校补货需求波动之间的相关系数：1 表示所有学校同涨同跌，共享就没有好处。",
        "Correlation of the schools' replacement demand: at 1 all schools rise and fall together and sharing gains nothing.",
    ),
    "inventory.advanced": ("高级设置", "Advanced settings"),
    "inventory.service_level": ("基线工厂的目标服务水平（%）", "Baseline factory's target service level (%)"),
    "inventory.replacement_cv": (
        "各校补货率的波动（变异系数 %）",
        "Spread of each school's replacement rate (CV %)",
    ),
    "inventory.scenarios": ("模拟情景数", "Scenarios simulated"),
    "inventory.unit_cost": (
        "单位成本（元/件，0 = 用数据中的值）",
        "Unit cost (CNY a piece; 0 = from the data)",
    ),
    "inventory.one_school": (
        "只有一所学校，没有跨校共享。",
        "There is one school only, so nothing is pooled across schools.",
    ),
    "inventory.running": ("正在模拟…", "Simulating…"),
    # headline
    "inventory.headline": ("拼单后库存是原来的多少", "Pooled inventory as a share of the baseline"),
    "inventory.ratio_avg": ("平均库存：拼单 / 基线", "Average stock: pooled / baseline"),
    "inventory.ratio_end": ("季末库存：拼单 / 基线", "End-of-season stock: pooled / baseline"),
    "inventory.ratio_caption": (
        "均值的 95% 置信区间 {lo}–{hi}；{n} 个模拟季中 5%–95% 的范围 {p5}–{p95}。",
        "95% confidence interval of the mean {lo}–{hi}; 5–95% range over {n} simulated seasons {p5}–{p95}.",
    ),
    "inventory.zhili_ref": ("织里报道值（参考，不是目标）", "Zhili, reported (a reference, not a target)"),
    "inventory.zhili_caption": (
        "据报道，拼单后织里工厂库存降到原来的 30%–40%（观察者网 2023 年对 1688 负责人的采访；未找到独立来源）。"
        "这是用来比较的报道数字，模型没有向它校准。",
        "Zhili factory inventory is reported to have fallen to 30-40% of what it was after pooling "
        "(guancha.cn, 2023, interview with the head of 1688; no independent source found). It is a "
        "reported figure to compare with; the model is not tuned to it.",
    ),
    "inventory.ratio_undefined": (
        "基线库存为零，比值无意义。",
        "The baseline holds no stock, so the ratio is undefined.",
    ),
    # side by side
    "inventory.side_by_side": (
        "基线与拼单对比（每个模拟季的平均值）",
        "Baseline vs pooled (mean over simulated seasons)",
    ),
    "inventory.baseline": ("备货生产（基线）", "Make-to-stock (baseline)"),
    "inventory.pooled": ("拼单按单生产", "Pooled make-to-order"),
    "inventory.m.avg_pieces": ("平均库存（件）", "Average stock (pcs)"),
    "inventory.m.end_pieces": ("季末库存（件）", "End-of-season stock (pcs)"),
    "inventory.m.avg_cny": ("平均库存（元）", "Average stock (CNY)"),
    "inventory.m.end_cny": ("季末库存（元）", "End-of-season stock (CNY)"),
    "inventory.m.short_pieces": ("缺货（件）", "Stock-outs (pcs)"),
    "inventory.m.fill_rate": ("满足率（全部需求）", "Fill rate (all demand)"),
    "inventory.m.replacement_fill_rate": ("满足率（补货需求）", "Fill rate (replacement demand)"),
    "inventory.m.produced_pieces": ("生产件数", "Pieces produced"),
    "inventory.buffer_caption": (
        "共享缓冲库存 {pieces} 件，分为 {pools} 组；按与基线相同的补货满足率（{fill}）确定大小。",
        "Shared buffer {pieces} pieces in {pools} pool(s), sized for the baseline's replacement fill "
        "rate ({fill}).",
    ),
    "inventory.stock_chart": ("库存（件）", "Stock (pcs)"),
    "inventory.series.avg": ("平均库存", "Average stock"),
    "inventory.series.end": ("季末库存", "End-of-season stock"),
    # risk pooling, analytic
    "inventory.pooling": ("只看风险分担（公式，不经模拟）", "Risk pooling alone (formula, no simulation)"),
    "inventory.pooling_text": (
        "补货需求的安全库存：各校分别持有共 {sep} 件；按当前分组共享共 {pooled} 件。"
        "共享 / 分别 = {ratio}；减少比例（以分别持有为基数，即（分别 − 共享）/ 分别）= {red}。",
        "Safety stock for replacement demand: {sep} pieces when every school holds its own; {pooled} "
        "pieces shared in the current pools. Pooled / separate = {ratio}; reduction on the separate "
        "base, (separate − pooled) / separate = {red}.",
    ),
    # sensitivity
    "inventory.tornado": ("哪些参数决定了削减幅度", "What drives the reduction"),
    "inventory.tornado_caption": (
        "每根横条：其他参数保持当前值，只把一个参数调到低值和高值时的“平均库存：拼单 / 基线”（{n} 个情景，"
        "所有情景使用相同的随机数）。竖线是当前参数下的值。",
        "Each bar: average stock pooled / baseline when one parameter alone is set to its low and its "
        "high value, the others as set above ({n} scenarios, the same random draws for every bar). The "
        "vertical line is the value at the current settings.",
    ),
    "inventory.tornado_axis": ("平均库存：拼单 / 基线", "Average stock: pooled / baseline"),
    "inventory.low": ("低值", "Low"),
    "inventory.high": ("高值", "High"),
    "inventory.current": ("当前", "Current"),
    "inventory.p.moq": ("最小起订量", "MOQ"),
    "inventory.p.forecast_cv": ("尺码预测误差", "Size forecast error"),
    "inventory.p.schools_pooled": ("共享缓冲的学校数", "Schools pooled"),
    "inventory.p.replacement_rate": ("补货需求比例", "Replacement rate"),
    "inventory.p.correlation": ("学校间相关系数", "Correlation between schools"),
    "inventory.model": ("模型", "Model"),
    "inventory.reference_band": ("织里报道值 30–40%", "Zhili reported 30-40%"),
    "inventory.p5_p95": ("5%–95% 模拟季", "5-95% of seasons"),
    # measured
    "inventory.measured": (
        "实测库存：快照之间的变化与模型预测",
        "Measured stock, snapshot over snapshot, next to the model",
    ),
    "inventory.measured_none": ("这些快照中没有库存数据。", "The snapshots hold no inventory data."),
    "inventory.measured_one": (
        "只有一次库存盘点（{as_of}），需要至少两个快照才能比较变化。",
        "There is one stock count only ({as_of}); a change needs at least two snapshots.",
    ),
    "inventory.measured_series.uniform": ("校服工厂的实测库存", "Measured stock of uniform makers"),
    "inventory.measured_series.all": ("产业带全部实测库存", "Measured stock, whole cluster"),
    "inventory.predicted": ("模型预测：全部转为拼单后", "Model: once fully pooled"),
    "inventory.measured_caption": (
        "实测：从 {first} 到 {last}，库存变化 {change}。模型预测：若这些库存全部转为拼单按单生产，将变化 {pred}"
        "（5%–95% 范围 {p5} 至 {p95}）。实测库存包括这些工厂的所有产品，不只是校服；请比较方向和量级，而不是水平。",
        "Measured: stock changed by {change} from {first} to {last}. The model predicts a change of "
        "{pred} (5-95% range {p5} to {p95}) if all of it moved to pooled make-to-order. Measured stock "
        "covers all products of these factories, not school uniforms only: compare direction and size, "
        "not the level.",
    ),
    "inventory.measured_suppressed": (
        "有 {n} 个单元格少于 3 家工厂，已隐藏，不计入合计。",
        "{n} cells built from fewer than 3 factories are hidden and left out of totals.",
    ),
    "inventory.col.as_of": ("盘点日期", "Stock count date"),
    "inventory.col.on_hand": ("全部库存（件）", "All stock (pcs)"),
    "inventory.col.value": ("库存金额（元）", "Stock value (CNY)"),
    "inventory.col.uniform": ("校服工厂库存（件）", "Uniform makers' stock (pcs)"),
    # assumptions
    "inventory.assumptions": ("模型的假设（通俗说明）", "What the model assumes, in plain words"),
    "inventory.assumptions_text": (
        "- **一个校服季**：开学时首批发放，学期中陆续出现补货需求（丢失、新生），补货需求在整个学期均匀到达。"
        "库存从开学首批发放之后算起，到学期末为止；开学前的成品库存不计入（这对基线有利）。\n"
        "- **基线（备货生产）**：每所学校由一家工厂供货。工厂知道学生人数，但在尺码采集之前就生产，"
        "所以各尺码占比的预测有 {cv} 的误差。每个“学校×款式×尺码”生产 = 预测量 + 预期补货量 + 按 {sl} 服务水平的安全库存；"
        "每校每款一批至少 {moq} 件（多出的件数按预测尺码比例分配）。首批和补货都从该校自己的库存发货。\n"
        "- **拼单按单生产**：按班级采集尺码后再生产，所以首批没有剩余。唯一的库存是补货缓冲：每 {k} 所学校"
        "共享一份按“款式×尺码”的白坯缓冲，需要时再加工成各校款式（这是假设，前提是各校校服可以共用基础款）。"
        "缓冲大小取满足与基线相同补货满足率的最小值。\n"
        "- **补货需求**：平均为首批件数的 {rate}；每所学校的补货率上下浮动（变异系数 {rcv}），"
        "学校之间的浮动相关系数为 {rho}（例如同一年的新生增加会同时影响所有学校）。\n"
        "- **未包含**：产能限制、交期、跨季节结转、退货、清仓与面料库存。每个情景都是独立的一季。比值是两种方式的比较，"
        "不是对某个产业带的预测。",
        "- **One school-uniform season**: uniforms are issued at term start, then replacement demand "
        "(lost uniforms, new students) arrives evenly over the term. Stock is counted from after the "
        "first issue to the end of the term; finished stock held before term start is not counted "
        "(which favours the baseline).\n"
        "- **Baseline (make-to-stock)**: one factory serves each school. It knows the head count but "
        "produces before sizes are collected, so its forecast of each size's share is off by {cv} "
        "(coefficient of variation). For every school x garment x size it makes the forecast + expected "
        "replacements + safety stock for a {sl} service level, and each school x garment lot is at "
        "least {moq} pieces (extra pieces follow the forecast size mix). First issue and replacements "
        "come from that school's own stock.\n"
        "- **Pooled make-to-order**: sizes are collected class by class before production, so the first "
        "issue leaves nothing over. The only stock is a replacement buffer per garment x size shared by "
        "every {k} schools, held as blanks and finished to each school's design on demand (an "
        "assumption: it needs a common base garment). The buffer is the smallest that gives the same "
        "replacement fill rate as the baseline.\n"
        "- **Replacement demand**: on average {rate} of the first-issue pieces; each school's rate "
        "varies (CV {rcv}), and these variations are correlated {rho} between schools (a rise in new "
        "pupils one year hits every school at once).\n"
        "- **Left out**: capacity limits, lead times, stock carried into the next season, returns, "
        "clearance sales and fabric stock. Every scenario is one independent season. The ratio "
        "compares two ways of working; it is not a forecast for any cluster.",
    ),
}
