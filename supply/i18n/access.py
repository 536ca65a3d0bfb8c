"""Strings of sign-in (access.*), the My factory page (my_factory.*) and the export log (audit.*)."""

STRINGS = {
    # sign-in
    "access.sign_in_title": ("登录", "Sign in"),
    "access.sign_in_intro": (
        "本看板需要登录。账号由管理员用 `python -m supply users add` 创建。",
        "This dashboard requires sign-in. Accounts are created by the administrator "
        "with `python -m supply users add`.",
    ),
    "access.username": ("用户名", "User name"),
    "access.password": ("密码", "Password"),
    "access.sign_in": ("登录", "Sign in"),
    "access.sign_out": ("退出登录", "Sign out"),
    "access.bad_credentials": ("用户名或密码不正确。", "Wrong user name or password."),
    "access.too_many": (
        "该用户名登录失败次数较多，请 {seconds} 秒后再试（每次失败后等待时间加倍，最长 1 分钟；"
        "从多次失败的同一地址最长 5 分钟）。",
        "Several failed sign-ins for this user name. Try again in {seconds} seconds (the wait "
        "doubles with each failure, up to 1 minute; up to 5 minutes from the address that failed).",
    ),
    "access.busy": (
        "服务器正在处理较多登录请求，请 {seconds} 秒后再试。",
        "The server is checking many sign-ins right now. Try again in {seconds} seconds.",
    ),
    "access.setting_error": (
        "服务器设置有误，看板无法启动：{msg}",
        "A server setting is not valid, so the dashboard cannot start: {msg}",
    ),
    "access.demo_reason.explicit": (
        "（演示模式由 SUPPLY_DEMO=1 开启：任何访问者都可以切换角色查看。）",
        "(Demo mode is on because SUPPLY_DEMO=1 is set: any visitor can view as any role.)",
    ),
    "access.demo_reason.unconfigured": (
        "（尚未配置登录：没有用户文件，也没有 OIDC；任何访问者都可以切换角色查看。）",
        "(No sign-in is configured: no users file and no OIDC, so any visitor can view as any role.)",
    ),
    "access.expired": (
        "会话因长时间未操作已过期，请重新登录。",
        "Your session expired after a period of inactivity. Please sign in again.",
    ),
    "access.account_gone": (
        "您的账号已被停用或修改，请重新登录。",
        "Your account was removed or changed. Please sign in again.",
    ),
    "access.signed_out": ("已退出登录。", "You are signed out."),
    "access.signed_in_as": ("已登录：{user}", "Signed in as {user}"),
    "access.scope_factory": ("工厂 {factory}", "factory {factory}"),
    "access.scope_cluster": ("产业带 {cluster}", "cluster {cluster}"),
    "access.users_file_error": (
        "用户文件有错误，看板无法启动（不会退回演示模式）：{msg}",
        "The users file has an error, so the dashboard cannot start "
        "(it does not fall back to demo mode): {msg}",
    ),
    "access.oidc_sign_in": ("通过单位账号登录", "Sign in with your organisation's account"),
    "access.oidc_sign_in_with": ("通过 {provider} 登录", "Sign in with {provider}"),
    "access.oidc_intro": (
        "本看板通过单位的身份认证服务登录；角色和数据范围由管理员在服务器上的用户表中按电子邮箱设定。",
        "This dashboard signs you in through your organisation's identity provider; "
        "your role and data scope are set by the administrator in the server's users "
        "table, by e-mail address.",
    ),
    "access.not_authorised": (
        "账号 {email} 未获授权使用本看板。请联系管理员添加。",
        "The account {email} is not authorised for this dashboard. Ask the administrator to add it.",
    ),
    "access.no_factory": ("演示数据中没有工厂。", "There is no factory in the data."),
    # my factory
    "my_factory.title": ("我的工厂", "My factory"),
    "my_factory.caption": (
        "{factory} · {name} · 快照 {sid}（数据日期 {as_of}）",
        "{factory} · {name} · snapshot {sid} (data as of {as_of})",
    ),
    "my_factory.intro": (
        "这里只显示本厂自己的产能、订单、拼单工单和库存；其他工厂看不到这些数据。",
        "Only your own factory's capacity, orders, pooled work orders and stock are "
        "shown here; no other factory can see them.",
    ),
    "my_factory.admin_pick": ("查看工厂（管理员）", "Factory to view (administrator)"),
    "my_factory.pick_search": ("搜索工厂名称或编号", "Search factory name or id"),
    "my_factory.pick_caption": (
        "列出前 {n} 家（共 {total} 家匹配）；输入名称或编号可缩小范围。",
        "Listing the first {n} of {total} matching factories; type a name or id to narrow it.",
    ),
    "my_factory.pick_none": ("没有名称或编号包含“{q}”的工厂。", "No factory's name or id contains “{q}”."),
    "my_factory.tab_capacity": ("产能日历", "Capacity calendar"),
    "my_factory.tab_orders": ("订单", "Orders"),
    "my_factory.tab_work_orders": ("拼单工单", "Pooled work orders"),
    "my_factory.tab_inventory": ("库存", "Stock"),
    "my_factory.tab_exports": ("导出记录", "Export log"),
    "my_factory.calendar_chart": ("每周产能与已订", "Weekly capacity and booked"),
    "my_factory.edit_help": (
        "可修改未来各周的产能（件）。保存后生成一个新的数据快照，只有产能表改变，其余表原样沿用。",
        "Edit the capacity (pieces) of future weeks. Saving writes a new snapshot in "
        "which only the capacity table changes; every other table is carried forward.",
    ),
    "my_factory.edit_old_snapshot": (
        "当前查看的是较早的快照；只能在最新快照上修改产能。",
        "You are viewing an older snapshot; capacity can be edited on the newest snapshot only.",
    ),
    "my_factory.no_future_weeks": ("没有可修改的未来周。", "There are no future weeks to edit."),
    "my_factory.save": ("保存为新快照", "Save as a new snapshot"),
    "my_factory.saved": (
        "已保存为新快照 {sid}（修改 {n} 行）。",
        "Saved as new snapshot {sid} ({n} rows changed).",
    ),
    "my_factory.nothing_changed": ("没有修改，未生成新快照。", "Nothing changed; no snapshot was written."),
    "my_factory.save_errors": ("未保存，请修正以下问题：", "Not saved. Please fix these problems:"),
    "my_factory.search": ("搜索订单号、买家或款号", "Search order id, buyer or SKU"),
    "my_factory.status_filter": ("订单状态", "Order status"),
    "my_factory.channel_filter": ("订单类型", "Order type"),
    "my_factory.orders_count": ("共 {n} 条订单行，{pieces} 件。", "{n} order lines, {pieces} pieces."),
    "my_factory.work_orders_intro": (
        "协会分配给本厂的拼单（校服）工单：学校、款式、尺码、数量、交期。",
        "Pooled (school-uniform) work orders the association allocated to your "
        "factory: school, garment, size, quantity and due date.",
    ),
    "my_factory.work_orders_from_plan": ("来自拼单生产计划。", "From the pooled production plan."),
    "my_factory.work_orders_from_orders": (
        "暂无生产计划，显示订单表中已分配给本厂的拼单。",
        "No production plan is available; showing the pooled orders "
        "allocated to your factory in the orders table.",
    ),
    "my_factory.inventory_intro": ("最新盘点日期的成品库存。", "Finished stock at the latest stock count."),
    "my_factory.empty": ("没有数据。", "No data."),
    "my_factory.download_csv": ("下载 CSV", "Download CSV"),
    "my_factory.download_xlsx": ("下载 Excel", "Download Excel"),
    "my_factory.not_for_role": ("此页面供工厂主查看本厂数据。", "This page is for factory owners' own data."),
    # error messages of capacity edits (row numbers count from 1, as shown in the editor)
    "my_factory.err_not_number": (
        "第 {row} 行（{week}，{category}），列「产能（件）」：“{value}” 不是整数；请填写 0 或正整数。",
        "Row {row} ({week}, {category}), column 'Capacity (pcs)': '{value}' is not a "
        "whole number; enter 0 or a positive whole number.",
    ),
    "my_factory.err_negative": (
        "第 {row} 行（{week}，{category}），列「产能（件）」：{value} 小于 0；请填写 0 或正整数。",
        "Row {row} ({week}, {category}), column 'Capacity (pcs)': {value} is below 0; "
        "enter 0 or a positive whole number.",
    ),
    "my_factory.err_below_booked": (
        "第 {row} 行（{week}，{category}），列「产能（件）」：{value} 小于已订的 {booked} 件；请至少填写 {booked}。",
        "Row {row} ({week}, {category}), column 'Capacity (pcs)': {value} is less than "
        "the {booked} pieces already booked; enter at least {booked}.",
    ),
    "my_factory.err_too_large": (
        "第 {row} 行（{week}，{category}），列「产能（件）」：{value} 超过每周上限 {limit}；请检查是否多输了位数。",
        "Row {row} ({week}, {category}), column 'Capacity (pcs)': {value} is above the "
        "weekly limit of {limit}; check for extra digits.",
    ),
    "my_factory.err_not_future": (
        "第 {row} 行（{week}，{category}）：这一周已经开始，不能再修改。",
        "Row {row} ({week}, {category}): this week has started and can no longer be edited.",
    ),
    "my_factory.err_unknown_row": (
        "第 {row} 行（{week}，{category}）：本厂在最新快照中没有这一行；请刷新页面后重试。",
        "Row {row} ({week}, {category}): your factory has no such row in the newest "
        "snapshot; reload the page and try again.",
    ),
    # columns
    "my_factory.col.week_start": ("周起始日", "Week starting"),
    "my_factory.col.category": ("品类", "Category"),
    "my_factory.col.capacity_pieces": ("产能（件）", "Capacity (pcs)"),
    "my_factory.col.booked_pieces": ("已订（件）", "Booked (pcs)"),
    "my_factory.col.idle_pieces": ("空闲（件）", "Idle (pcs)"),
    "my_factory.col.utilisation": ("利用率", "Utilisation"),
    "my_factory.col.order_id": ("订单号", "Order id"),
    "my_factory.col.buyer_id": ("买家", "Buyer"),
    "my_factory.col.buyer_type": ("买家类型", "Buyer type"),
    "my_factory.col.channel": ("订单类型", "Order type"),
    "my_factory.col.sku": ("款号", "SKU"),
    "my_factory.col.size": ("尺码", "Size"),
    "my_factory.col.qty": ("数量（件）", "Quantity (pcs)"),
    "my_factory.col.unit_price": ("单价（元）", "Unit price (CNY)"),
    "my_factory.col.order_date": ("下单日期", "Order date"),
    "my_factory.col.due_date": ("交期", "Due date"),
    "my_factory.col.status": ("状态", "Status"),
    "my_factory.col.school_id": ("学校编号", "School id"),
    "my_factory.col.school": ("学校", "School"),
    "my_factory.col.garment": ("款式", "Garment"),
    "my_factory.col.on_hand_pieces": ("库存（件）", "On hand (pcs)"),
    "my_factory.col.unit_cost": ("单位成本（元）", "Unit cost (CNY)"),
    "my_factory.col.value_cny": ("金额（元）", "Value (CNY)"),
    "my_factory.col.as_of": ("盘点日期", "Counted on"),
    "my_factory.col.pieces": ("件数", "Pieces"),
    "my_factory.col.deadline": ("学校要求交期", "School's deadline"),
    "my_factory.col.delivery_date": ("预计送达", "Expected delivery"),
    # export log
    "audit.title": ("导出记录（仅管理员可见）", "Export log (administrators only)"),
    "audit.empty": ("还没有导出记录。", "Nothing has been exported yet."),
    "audit.col.at": ("时间（UTC）", "Time (UTC)"),
    "audit.col.user": ("用户", "User"),
    "audit.col.role": ("角色", "Role"),
    "audit.col.factory_id": ("工厂", "Factory"),
    "audit.col.cluster_id": ("产业带", "Cluster"),
    "audit.col.report": ("内容", "What"),
    "audit.col.format": ("格式", "Format"),
    "audit.col.snapshot_id": ("快照", "Snapshot"),
    "audit.col.rows": ("行数", "Rows"),
    "audit.col.file_name": ("文件名", "File name"),
}
