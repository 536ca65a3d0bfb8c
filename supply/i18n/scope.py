"""Strings that say what a figure covers (ui/scope.py), snapshot labels and shared table words."""

STRINGS = {
    "scope.label": ("范围", "Covers"),
    "scope.directory": (
        "范围：{cluster}全部工厂的公开名录（人人可见）",
        "Covers: the public directory of every factory in {cluster} (visible to all)",
    ),
    "scope.all": ("范围：{cluster}全部工厂（管理员）", "Covers: every factory in {cluster} (administrator)"),
    "scope.members": (
        "范围：{cluster}的行业协会会员工厂",
        "Covers: the association's member factories in {cluster}",
    ),
    "scope.own": ("范围：你的工厂（{factory}）", "Covers: your factory ({factory})"),
    "scope.chosen": ("范围：所选的一家工厂（{factory}）", "Covers: the one factory chosen ({factory})"),
    "scope.help.chosen": (
        "管理员在这里查看所选工厂的明细，与该厂厂长看到的相同。",
        "An administrator sees the chosen factory's detail here, as its owner does.",
    ),
    "scope.aggregate": (
        "范围：{cluster}全部工厂的汇总；少于 3 家工厂的单元格不显示",
        "Covers: totals over every factory in {cluster}; cells of fewer than 3 factories are withheld",
    ),
    "scope.every_cluster": ("全部产业带", "every cluster"),
    "scope.help.directory": (
        "工厂名录（名称、地点、品类、是否协会会员）对所有角色公开。",
        "The factory directory (name, place, categories, membership) is public to every role.",
    ),
    "scope.help.all": ("管理员看到全部工厂的全部数据。", "Administrators see every factory's data."),
    "scope.help.members": (
        "协会只看到会员工厂的产能、订单和库存；非会员工厂不计入。",
        "An association sees capacity, orders and stock of its member factories only; "
        "non-members are not counted.",
    ),
    "scope.help.own": (
        "工厂主只看到自己工厂的产能、订单和库存。",
        "A factory owner sees only their own factory's capacity, orders and stock.",
    ),
    "scope.help.aggregate": (
        "规划部门看到按县和品类汇总的数字；少于 3 家工厂的单元格被隐藏，不计入合计。",
        "Planners see totals by county and category; cells built from fewer than 3 factories "
        "are hidden and left out of totals.",
    ),
    # snapshot labels (sidebar, history)
    "snap.source.upload": ("上传 {file}", "upload {file}"),
    "snap.source.demo": ("演示数据", "demo data"),
    "snap.source.ingest": ("导入 {file}", "import {file}"),
    "snap.source.edit": ("在线编辑", "edited online"),
    "snap.source.capacity_edit": ("在线编辑产能", "capacity edited online"),
    "snap.source.unknown": ("来源未记录", "source not recorded"),
    "snap.saved": ("已保存为新快照：{label}", "Saved as a new snapshot: {label}"),
    # downloads
    "dl.csv": ("下载 CSV", "Download CSV"),
    "dl.xlsx": ("下载 Excel", "Download Excel"),
    "dl.html": ("下载可打印报告", "Download printable report"),
    "dl.logged": (
        "每次下载都会记入导出日志（用户、角色、报表、行数、快照、时间）。",
        "Every download is written to the export log (user, role, report, rows, snapshot, time).",
    ),
}
