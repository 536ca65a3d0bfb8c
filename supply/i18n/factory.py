"""Strings of the My factory page as rebuilt for issue 15 (factory.*), buyer types, reports and the export log."""

STRINGS = {
    "factory.caption": ("{name} · 数据快照：{snap}", "{name} · snapshot: {snap}"),
    "factory.intro.factory": (
        "这里只显示你自己工厂的产能、订单、拼单工单和库存；其他工厂和规划部门看不到这些明细。",
        "Only your own factory's capacity, orders, pooled work orders and stock are shown here; "
        "other factories and planners cannot see these details.",
    ),
    "factory.intro.admin": (
        "管理员查看所选工厂的产能、订单、拼单工单和库存（工厂主本人看到同样的内容，其他工厂看不到）。",
        "As an administrator you see the chosen factory's capacity, orders, pooled work orders and "
        "stock (its owner sees the same; other factories do not).",
    ),
    "factory.saved": (
        "已保存为新快照：{label}（修改 {n} 行），侧栏已选中新快照。",
        "Saved as new snapshot {label} ({n} rows changed); the sidebar now shows it.",
    ),
    "factory.saved_toast": ("已保存：修改 {n} 行", "Saved: {n} rows changed"),
    "buyer_type.school": ("学校", "School"),
    "buyer_type.retailer": ("零售商", "Retailer"),
    "buyer_type.ecommerce": ("电商", "E-commerce"),
    "buyer_type.brand": ("品牌商", "Brand"),
    "buyer_type.wholesaler": ("批发商", "Wholesaler"),
    # export log (administrators): codes shown as labels, times in Beijing time
    "audit.col.at_local": ("时间（北京时间）", "Time (Beijing)"),
    "audit.col.factory": ("工厂", "Factory"),
    "audit.col.cluster": ("产业带", "Cluster"),
    "format.csv": ("CSV 表格", "CSV"),
    "format.xlsx": ("Excel 表格", "Excel"),
    "format.html": ("可打印报告", "Printable report"),
    "report.capacity_calendar": ("本厂产能日历", "Factory capacity calendar"),
    "report.orders": ("本厂订单", "Factory orders"),
    "report.work_orders": ("本厂拼单工单", "Factory work orders"),
    "report.inventory": ("本厂库存", "Factory stock"),
    "report.county_comparison": ("县域比较", "County comparison"),
    "report.capacity-weekly": ("每周产能", "Weekly capacity"),
    "report.capacity-county": ("各县产能", "Capacity by county"),
    "report.capacity-members": ("会员工厂", "Member factories"),
    "report.capacity-heatmap": ("利用率热力图", "Utilisation heatmap"),
    "report.order-finder": ("接单工厂查找", "Order finder"),
    "report.capacity-report": ("产能报告（可打印）", "Capacity report (printable)"),
    "report.capacity-change": ("快照间产能变化", "Capacity change between snapshots"),
    "report.upload-errors": ("上传错误行", "Upload error rows"),
    "report.other": ("其他报表", "Other report"),
}
