"""Strings of the Snapshot history page as rebuilt for issue 15 (hist.*)."""

STRINGS = {
    "hist.col.snapshot": ("快照（写入时间 · 来源 · 上传人）", "Snapshot (written · source · by)"),
    "hist.col.created_local": ("写入时间（北京时间）", "Written (Beijing time)"),
    "hist.col.snapshot_id": ("快照编号", "Snapshot id"),
    "hist.rows_scope": (
        "各表的行数是你可见范围内的明细行数。",
        "Row counts per table are the detail rows within what you may see.",
    ),
    "hist.rows_scope_planner": (
        "各表的行数是汇总数据背后的明细行数；下面的差异比较的是汇总单元格（县 × 品类 × 周），"
        "所以两处行数不同。",
        "Row counts per table are the detail rows behind the totals; the difference below compares "
        "total cells (county × category × week), so the two counts differ.",
    ),
    "hist.diff_cells_planner": (
        "规划部门比较的是汇总单元格（县 × 品类 × 周），不是工厂明细行。",
        "For planners the comparison is of total cells (county × category × week), not factory rows.",
    ),
    "hist.deferred": (
        "有的大表两个快照之间大部分数据块都不同，逐行比较要较长时间，尚未比较（显示为“—”）。",
        "Some large tables differ in most of their data blocks between the two snapshots; comparing them "
        "row by row takes a while and has not been done yet (shown as “—”).",
    ),
    "hist.compare_whole": ("逐行比较这些表", "Compare these tables row by row"),
    "hist.export_log": (
        "管理员可在“我的工厂”页的“导出记录”中查看每次下载。",
        "Administrators read every download in the export log on the My factory page.",
    ),
}
