"""Strings of data upload, validation errors, snapshot history and the ingest/prune commands."""

STRINGS = {
    # file-level problems (IngestError codes)
    "ingest.err.empty_file": (
        "文件是空的：没有表头，也没有数据。",
        "The file is empty: no header and no data.",
    ),
    "ingest.err.xls_format": (
        "{name} 是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后再上传。",
        "{name} is an old Excel (.xls) file; save it as .xlsx or CSV (UTF-8) in Excel and upload again.",
    ),
    "ingest.err.unknown_format": (
        "无法识别 {name} 的格式，请上传 CSV 或 XLSX 文件。",
        "Cannot tell the format of {name}; upload a CSV or XLSX file.",
    ),
    "ingest.err.mixed_encoding": (
        "文件混用了多种编码：第 {utf8_row} 行是 UTF-8，第 {other_row} 行是另一种编码（如 GBK）。"
        "请用同一种编码（建议 UTF-8）重新保存整个文件。",
        "The file mixes encodings: line {utf8_row} is UTF-8 but line {other_row} is in another "
        "encoding (such as GBK). Save the whole file in one encoding (UTF-8 is best).",
    ),
    "ingest.err.bad_encoding": (
        "第 {row} 行既不是 UTF-8 也不是 GB18030/GBK 编码，请用 UTF-8 重新保存文件。",
        "Line {row} is neither UTF-8 nor GB18030/GBK; save the file again as UTF-8.",
    ),
    "ingest.err.fullwidth_delimiter": (
        "表头“{header}”用中文逗号“，”分隔各列；请在 Excel 中另存为 CSV，使列之间用英文逗号分隔。",
        'The header "{header}" separates columns with Chinese commas (，); save it '
        "as CSV from Excel so that columns are separated by ASCII commas.",
    ),
    "ingest.err.csv_syntax": (
        "第 {row} 行的 CSV 格式有误（{detail}），请检查引号是否成对。",
        "Row {row} is not valid CSV ({detail}); check that quotes are paired.",
    ),
    "ingest.err.too_big": (
        "文件太大：{size} 字节，上限 {limit} 字节。",
        "The file is too big: {size} bytes, the limit is {limit}.",
    ),
    "ingest.err.bad_xlsx": (
        "这不是有效的 XLSX 文件，请在 Excel 中重新保存为 .xlsx 或 CSV。",
        "This is not a valid XLSX file; save it again as .xlsx or CSV from Excel.",
    ),
    "ingest.err.bad_xlsx_detail": (
        "无法读取 XLSX 文件（{detail}），请在 Excel 中重新保存。",
        "Cannot read the XLSX file ({detail}); save it again from Excel.",
    ),
    "ingest.err.zip_entries": (
        "XLSX 文件包含 {n} 个内部文件，超过上限 {limit}，已拒绝。",
        "The XLSX file holds {n} internal files, more than the limit of {limit}; refused.",
    ),
    "ingest.err.zip_bomb": (
        "XLSX 文件解压后超过 {limit} 字节（压缩炸弹？），已拒绝。请只上传数据表本身。",
        "The XLSX file expands beyond {limit} bytes (a zip bomb?); refused. Upload just the data sheet.",
    ),
    "ingest.err.no_defusedxml": (
        "缺少 defusedxml，出于安全考虑不读取 XLSX。",
        "defusedxml is missing, so XLSX is not read (safety).",
    ),
    "ingest.err.no_sheet": (
        "没有名为“{sheet}”的工作表；工作表有：{sheets}。",
        'There is no sheet "{sheet}"; the sheets are: {sheets}.',
    ),
    "ingest.err.unknown_table": (
        "未知的表 {table}；可上传：{tables}。",
        "Unknown table {table}; you can upload: {tables}.",
    ),
    "ingest.err.table_not_allowed": (
        "当前角色（{role}）不能上传 {table} 表。",
        "Your role ({role}) cannot upload the {table} table.",
    ),
    "ingest.err.bad_crs": (
        "未知坐标系 {crs}；可选：{choices}。",
        "Unknown coordinate system {crs}; choose one of {choices}.",
    ),
    "ingest.err.table_mismatch": (
        "校验的是 {checked} 表，却要提交到 {table} 表。",
        "The check was for {checked}, the commit is for {table}.",
    ),
    "ingest.err.nothing_valid": (
        "没有可提交的有效行（{bad} 行有错误），未生成新快照。",
        "No valid row to commit ({bad} rows have errors); no snapshot was written.",
    ),
    "ingest.err.has_errors": (
        "{bad} 行有错误，未提交。请修正文件，或勾选“只提交有效行”（将提交 {ok} 行，略去 {bad} 行）。",
        "{bad} rows have errors, so nothing was committed. Fix the file, or choose to commit only "
        "the valid rows ({ok} rows committed, {bad} left out).",
    ),
    "ingest.err.base_changed": (
        "校验后又有新快照 {sid} 写入，重新校验发现了新的错误；请重新校验后再提交。",
        "Snapshot {sid} was written after your check, and checking again finds new errors; "
        "validate again before committing.",
    ),
    "ingest.err.not_an_upload": (
        "快照 {sid} 不是由上传生成的。",
        "Snapshot {sid} was not made by an upload.",
    ),
    "ingest.err.unknown_column": (
        "{table} 表没有 {column} 列；可用的列：{columns}。",
        "The {table} table has no column {column}; columns: {columns}.",
    ),
    "ingest.err.bad_default": (
        "为 {column} 选择的值“{value}”无效：{reason}",
        'The value "{value}" chosen for {column} is not valid: {reason}',
    ),
    # row-level reasons
    "ingest.reason.too_many_fields": (
        "这一行的字段比表头多（{detail}），可能有未加引号的逗号。",
        "This row has more fields than the header ({detail}); maybe an unquoted comma.",
    ),
    "ingest.reason.one_field": (
        "这一行只有一个字段，分隔符可能不对（这一行像是用“{detail}”分隔）。",
        'This row has a single field: wrong delimiter? (it looks separated by "{detail}").',
    ),
    "ingest.reason.not_number": ("不是数字。", "Not a number."),
    "ingest.reason.not_integer": ("应为整数。", "Must be a whole number."),
    "ingest.reason.bad_date": (
        "不是日期；可写作 2026-06-22、2026/6/22 或 2026年6月22日。",
        "Not a date; write 2026-06-22, 2026/6/22 or 2026年6月22日.",
    ),
    "ingest.reason.bad_week": (
        "不是周；写该周周一的日期（如 2026-06-22）或 2026-W26。",
        "Not a week; write the week's Monday (e.g. 2026-06-22) or 2026-W26.",
    ),
    "ingest.reason.not_monday": (
        "周开始日须为周一；该周的周一是 {detail}。",
        "A week starts on a Monday; that week's Monday is {detail}.",
    ),
    "ingest.reason.not_bool": ("应为 是/否。", "Must be yes/no (是/否)."),
    "ingest.reason.unknown_code": ("不是已知的取值。", "Not one of the known values."),
    "ingest.reason.required": ("必填项为空。", "Required value is empty."),
    "ingest.reason.below_min": ("不能小于 {detail}。", "Must not be less than {detail}."),
    "ingest.reason.above_max": ("不能大于 {detail}。", "Must not be more than {detail}."),
    "ingest.reason.swapped": (
        "经纬度似乎填反了（经度列是纬度）：请交换列映射 {detail}。",
        "Longitude and latitude look swapped (the longitude column holds latitudes): "
        "swap the mapping {detail}.",
    ),
    "ingest.reason.outside_china": ("坐标在中国境外。", "The coordinates are outside China."),
    "ingest.reason.no_county": (
        "坐标不在任何中国区县内（海上或境外？）。",
        "The point lies in no Chinese county (at sea or abroad?).",
    ),
    "ingest.reason.unknown_adcode": (
        "未知的区县代码（应为 6 位行政区划代码）。",
        "Unknown county code (a 6-digit adcode).",
    ),
    "ingest.reason.unknown_cluster": ("未知的产业带。", "Unknown cluster."),
    "ingest.reason.no_cluster": (
        "所在区县不属于任何产业带：请增加产业带列，或在页面上为这些行选择产业带。",
        "The county belongs to no cluster: add a cluster column, or choose a cluster for these rows.",
    ),
    "ingest.reason.no_category": (
        "没有品类，且无法从区县推出：请增加品类列，或为这些行选择品类。",
        "No category, and none follows from the county: add a category column or choose one.",
    ),
    "ingest.reason.unknown_factory": (
        "未知的工厂编号：请先上传该工厂。",
        "Unknown factory id: upload the factory first.",
    ),
    "ingest.reason.unknown_school": (
        "未知的学校编号：请先上传该学校。",
        "Unknown school id: upload the school first.",
    ),
    "ingest.reason.unknown_size": (
        "不是校服号型（如 {detail}）。",
        "Not a school-uniform size (such as {detail}).",
    ),
    "ingest.reason.deadline_past": (
        "截止日期早于数据日期 {detail}。",
        "The deadline is before the data date {detail}.",
    ),
    "ingest.reason.booked_over_capacity": (
        "已接单超过产能（{detail}）。",
        "Booked exceeds capacity ({detail}).",
    ),
    "ingest.reason.due_before_order": (
        "交货日期早于下单日期（{detail}）。",
        "Due date is before the order date ({detail}).",
    ),
    "ingest.reason.not_your_factory": (
        "只能上传本厂（{detail}）的数据。",
        "You may upload only your own factory's ({detail}) data.",
    ),
    "ingest.reason.not_member": (
        "不是本协会（{detail}）的会员工厂。",
        "Not a member factory of your association ({detail}).",
    ),
    "ingest.reason.other_cluster": (
        "该工厂不属于本协会的产业带（{detail}）。",
        "This factory is not in your association's cluster ({detail}).",
    ),
    "ingest.reason.not_your_school": (
        "该学校不在本协会（{detail}）所在城市。",
        "This school is not in your association's ({detail}) cities.",
    ),
    "ingest.reason.duplicate_row": ("与第 {detail} 行完全重复。", "Repeats row {detail} exactly."),
    "ingest.reason.duplicate_key": (
        "主键重复且内容不同（第 {detail} 行）。",
        "The same key appears with different values (rows {detail}).",
    ),
    "ingest.reason.missing_column": (
        "缺少必填列。文件中的表头：{detail}",
        "A required column is missing. Headers found: {detail}",
    ),
    "ingest.reason.no_rows": ("只有表头，没有数据行。", "Only a header, no data rows."),
    "ingest.warn.duplicate_header": (
        "表头“{header}”出现多次，已改名为“{renamed}”。",
        'The header "{header}" appears twice; renamed to "{renamed}".',
    ),
    # notes
    "ingest.note.adcode_from_point": (
        "{n} 行的区县由坐标确定。",
        "{n} rows got their county from their coordinates.",
    ),
    "ingest.note.cluster_from_county": (
        "{n} 行的产业带由所在区县确定。",
        "{n} rows got their cluster from their county.",
    ),
    "ingest.note.cluster_from_choice": (
        "{n} 行使用了你选择的产业带。",
        "{n} rows use the cluster you chose.",
    ),
    "ingest.note.category_from_county": (
        "{n} 行的品类取自所在产业带的主导品类。",
        "{n} rows got the main category of their county's cluster.",
    ),
    "ingest.note.category_from_choice": (
        "{n} 行使用了你选择的品类。",
        "{n} rows use the category you chose.",
    ),
    "ingest.note.blank_rows": ("跳过了 {n} 个空行。", "Skipped {n} blank rows."),
    # command line and page, shared
    "upload.encoding": ("编码/工作表：", "encoding/sheet:"),
    "upload.mapping_used": ("列映射：", "Column mapping:"),
    "upload.row": ("第几行", "row"),
    "upload.more_errors": (
        "……另有 {n} 条错误（用 --errors-out 导出全部）",
        "… and {n} more errors (use --errors-out for all)",
    ),
    "upload.errors_written": ("全部错误已写入 {path}", "All errors written to {path}"),
    "upload.left_out": ("有 {n} 行因错误未提交。", "{n} rows with errors were left out."),
    "upload.committed": (
        "已提交为新快照 {sid}（{rows} 行）",
        "Committed as new snapshot {sid} ({rows} rows)",
    ),
    # upload page: column labels of every uploadable table
    "upload.col.factory_id": ("工厂编号", "Factory ID"),
    "upload.col.name": ("名称", "Name"),
    "upload.col.cluster_id": ("产业带", "Cluster"),
    "upload.col.adcode": ("区县代码", "County code"),
    "upload.col.town": ("镇/街道", "Town"),
    "upload.col.address": ("地址", "Address"),
    "upload.col.lon": ("经度", "Longitude"),
    "upload.col.lat": ("纬度", "Latitude"),
    "upload.col.categories": ("主营品类", "Categories"),
    "upload.col.employees": ("员工人数", "Employees"),
    "upload.col.established_year": ("成立年份", "Year established"),
    "upload.col.association_member": ("协会会员", "Association member"),
    "upload.col.pooled_planning": ("参与拼单", "In pooled planning"),
    "upload.col.certifications": ("认证", "Certifications"),
    "upload.col.moq_pieces": ("起订量（件）", "MOQ (pcs)"),
    "upload.col.sample_days": ("打样天数", "Sample days"),
    "upload.col.bulk_lead_days": ("大货天数", "Bulk lead days"),
    "upload.col.week_start": ("周（周一）", "Week (Monday)"),
    "upload.col.category": ("品类", "Category"),
    "upload.col.capacity_pieces": ("产能（件）", "Capacity (pcs)"),
    "upload.col.booked_pieces": ("已接单（件）", "Booked (pcs)"),
    "upload.col.order_id": ("订单号", "Order ID"),
    "upload.col.buyer_id": ("买家", "Buyer"),
    "upload.col.buyer_type": ("买家类型", "Buyer type"),
    "upload.col.channel": ("渠道", "Channel"),
    "upload.col.sku": ("款号", "SKU"),
    "upload.col.size": ("尺码", "Size"),
    "upload.col.qty": ("数量（件）", "Quantity (pcs)"),
    "upload.col.unit_price": ("单价（元）", "Unit price (CNY)"),
    "upload.col.order_date": ("下单日期", "Order date"),
    "upload.col.due_date": ("交货日期", "Due date"),
    "upload.col.status": ("状态", "Status"),
    "upload.col.school_id": ("学校编号", "School ID"),
    "upload.col.students": ("学生数", "Students"),
    "upload.col.stage": ("学段", "Stage"),
    "upload.col.grade_min": ("最低年级", "Lowest grade"),
    "upload.col.grade_max": ("最高年级", "Highest grade"),
    "upload.col.classes_per_grade": ("每年级班数", "Classes per grade"),
    "upload.col.request_id": ("需求编号", "Request ID"),
    "upload.col.grade": ("年级", "Grade"),
    "upload.col.class_name": ("班级", "Class"),
    "upload.col.garment": ("校服款式", "Garment"),
    "upload.col.deadline": ("截止日期", "Deadline"),
    "upload.col.collected_at": ("采集日期", "Collected on"),
    "upload.col.as_of": ("盘点日期", "Counted on"),
    "upload.col.on_hand_pieces": ("库存（件）", "On hand (pcs)"),
    "upload.col.unit_cost": ("单位成本（元）", "Unit cost (CNY)"),
    "upload.col.name_zh": ("中文名称", "Chinese name"),
    "upload.col.name_en": ("英文名称", "English name"),
    "upload.col.adcodes": ("区县代码（多个）", "County codes"),
    "upload.col.main_category": ("主导品类", "Main category"),
    "upload.col.association_name": ("协会名称", "Association"),
    "upload.col.source": ("来源", "Source"),
    # upload page
    "upload.table": ("要更新的表", "Table to update"),
    "upload.table.clusters": ("产业带", "Clusters"),
    "upload.table.factories": ("工厂名录", "Factories"),
    "upload.table.capacity": ("周产能", "Weekly capacity"),
    "upload.table.orders": ("订单", "Orders"),
    "upload.table.schools": ("学校", "Schools"),
    "upload.table.demand": ("校服需求（按班级）", "Uniform demand (by class)"),
    "upload.table.inventory": ("库存", "Inventory"),
    "upload.intro": (
        "上传 CSV 或 Excel（.xlsx）文件：读取 → 对应列 → 校验 → 提交为新快照。已提交的数据不会丢失：每次提交都生成新快照，"
        "按主键新增或更新行，文件中留空的单元格保留原值。",
        "Upload a CSV or Excel (.xlsx) file: read → map columns → validate → commit as a new snapshot. "
        "Nothing committed is lost: each commit writes a new snapshot, inserting or updating rows by key; "
        "cells the file leaves empty keep their committed values.",
    ),
    "upload.scope.admin": ("管理员：可上传所有表。", "Administrator: you may upload every table."),
    "upload.scope.association": (
        "协会：可上传本产业带会员工厂的数据。",
        "Association: you may upload your member factories' data.",
    ),
    "upload.scope.factory": (
        "工厂主：只能上传本厂的产能和订单，其他工厂的行会被标为错误。",
        "Factory owner: you may upload only your own capacity and orders; rows for other factories are errors.",
    ),
    "upload.file": ("选择文件（CSV 或 XLSX）", "Choose a file (CSV or XLSX)"),
    "upload.hint": (
        "CSV 可以是 UTF-8（带或不带 BOM）或 GBK/GB18030 编码；表头可以是中文或英文。",
        "CSV may be UTF-8 (with or without BOM) or GBK/GB18030; headers may be Chinese or English.",
    ),
    "upload.sheet": ("工作表", "Sheet"),
    "upload.read_info": (
        "已读取：{rows} 行 × {cols} 列 · 编码：{enc}",
        "Read: {rows} rows × {cols} columns · encoding: {enc}",
    ),
    "upload.read_info_xlsx": (
        "已读取：{rows} 行 × {cols} 列 · 工作表：{sheet}",
        "Read: {rows} rows × {cols} columns · sheet: {sheet}",
    ),
    "upload.preview": ("文件预览（前 20 行）", "File preview (first 20 rows)"),
    "upload.step_map": ("1. 对应列", "1. Map the columns"),
    "upload.map_help": (
        "为每个字段选择文件中的列（* 为必填）。已自动匹配中英文表头；确认后会为同样表头的文件记住此映射。",
        "Pick the file's column for each field (* = required). Chinese and English headers are matched "
        "automatically; once you commit, the mapping is remembered for files with the same headers.",
    ),
    "upload.remembered": (
        "已套用上次为同样表头保存的映射。",
        "Applied the mapping saved last time for these headers.",
    ),
    "upload.not_mapped": ("（不导入）", "(not imported)"),
    "upload.missing": (
        "缺少必填字段：{cols}。文件中的表头：{headers}",
        "Required fields not mapped: {cols}. Headers in the file: {headers}",
    ),
    "upload.crs": ("坐标系", "Coordinate system"),
    "upload.crs.wgs84": ("WGS-84（GPS）", "WGS-84 (GPS)"),
    "upload.crs.gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)"),
    "upload.crs.bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "upload.step_choose": ("2. 补充缺少的信息", "2. Fill in what the file lacks"),
    "upload.default_cluster": (
        "所在区县不属于任何产业带的工厂，归入：",
        "Factories whose county is in no cluster go to:",
    ),
    "upload.default_categories": (
        "没有品类（且产业带也推不出）的工厂，品类为：",
        "Factories with no category (none from their cluster either):",
    ),
    "upload.default_category": (
        "文件没有品类列，所有行的品类为：",
        "The file has no category column; category for every row:",
    ),
    "upload.no_choice": ("（不指定：这些行报错）", "(none: such rows are errors)"),
    "upload.as_of": ("数据日期", "Data date"),
    "upload.as_of_help": (
        "截止日期不得早于此日期；新快照以此为数据日期（不早于当前最新快照）。",
        "Deadlines may not be earlier; the new snapshot is dated this day (never before the newest snapshot).",
    ),
    "upload.step_validate": ("3. 校验", "3. Validate"),
    "upload.validate": ("校验", "Validate"),
    "upload.validating": ("正在校验…", "Validating…"),
    "upload.stale": ("设置已更改，请重新校验。", "The settings changed; validate again."),
    "upload.rows_in": ("读取行数", "Rows read"),
    "upload.rows_ok": ("有效行", "Valid rows"),
    "upload.rows_bad": ("有错误的行", "Rows with errors"),
    "upload.new_updated": (
        "有效行中：新增 {new} 行，更新 {updated} 行。",
        "Of the valid rows: {new} new, {updated} updating existing rows.",
    ),
    "upload.errors": (
        "错误明细（第几行按文件计，表头为第 1 行）",
        "Errors (row numbers as in the file; the header is row 1)",
    ),
    "upload.errors_download": ("下载错误明细（CSV）", "Download the errors (CSV)"),
    "upload.err_row": ("行", "Row"),
    "upload.err_column": ("列", "Column"),
    "upload.err_value": ("值", "Value"),
    "upload.err_reason": ("原因", "Reason"),
    "upload.valid_preview": ("有效行预览", "Valid rows (preview)"),
    "upload.step_commit": ("4. 提交", "4. Commit"),
    "upload.allow_partial": (
        "只提交有效行（略去 {bad} 行有错误的行）",
        "Commit only the valid rows (leave out the {bad} rows with errors)",
    ),
    "upload.commit": ("提交为新快照", "Commit as a new snapshot"),
    "upload.commit_blocked": (
        "有错误的行时不会提交；请修正文件，或勾选“只提交有效行”。",
        'Nothing is committed while rows have errors: fix the file, or tick "commit only the valid rows".',
    ),
    "upload.done": ("已提交：新快照 {sid}，{rows} 行。", "Committed: new snapshot {sid}, {rows} rows."),
    "upload.done_left_out": ("{n} 行有错误的行未提交。", "{n} rows with errors were left out."),
    "upload.base": ("将合并到最新快照 {sid}。", "Will be merged into the newest snapshot, {sid}."),
    "upload.no_base": (
        "还没有快照：提交会生成第一个快照。",
        "There is no snapshot yet: the commit writes the first one.",
    ),
    # history page
    "history.title": ("快照历史", "Snapshot history"),
    "history.intro": (
        "每个快照的来源、数据日期、写入时间和各表行数（只计你有权查看的行）。",
        "Every snapshot with its source, data date, "
        "time written and rows per table (counting only rows you may see).",
    ),
    "history.col.snapshot_id": ("快照", "Snapshot"),
    "history.col.as_of": ("数据日期", "Data date"),
    "history.col.created_at": ("写入时间（UTC）", "Written (UTC)"),
    "history.col.source": ("来源", "Source"),
    "history.col.table": ("上传的表", "Table uploaded"),
    "history.col.table_name": ("表", "Table"),
    "history.col.file": ("文件", "File"),
    "history.col.sha256": ("文件 SHA-256", "File SHA-256"),
    "history.col.rows_committed": ("提交行数", "Rows committed"),
    "history.col.rows_left_out": ("略去行数", "Rows left out"),
    "history.col.parent": ("上一个快照", "Previous snapshot"),
    "history.col.rows": ("{table}（行）", "{table} (rows)"),
    "history.source.demo": ("演示数据", "demo data"),
    "history.source.upload": ("上传", "upload"),
    "history.diff": ("两个快照的差异", "Difference between two snapshots"),
    "history.from": ("从（较早）", "From (older)"),
    "history.to": ("到（较新）", "To (newer)"),
    "history.same": ("请选择两个不同的快照。", "Choose two different snapshots."),
    "history.rows_changed": ("各表按主键比较的行变化", "Rows changed per table, matched by key"),
    "history.col.added": ("新增", "Added"),
    "history.col.removed": ("删除", "Removed"),
    "history.col.changed": ("修改", "Changed"),
    "history.col.unchanged": ("未变", "Unchanged"),
    "history.col.rows_a": ("较早（行）", "Older (rows)"),
    "history.col.rows_b": ("较新（行）", "Newer (rows)"),
    "history.col.by_key": ("按主键匹配", "Matched by key"),
    "history.not_by_key": (
        "“按主键匹配”未勾选的表在你的权限范围内主键不唯一（如隐藏了款号），只按整行比较，因此只计新增和删除。",
        "Tables without a tick under “Matched by key” have keys that are not unique within your "
        "scope (e.g. hidden SKUs); they are compared as whole rows, so only additions and removals "
        "are counted.",
    ),
    "history.capacity_change": ("产能变化：按区县和品类", "Capacity change by county and category"),
    "history.weeks": (
        "比较的周数（自较新数据日期所在周起）",
        "Weeks compared (from the week of the later data date)",
    ),
    "history.window": (
        "比较 {start} 起的 {weeks} 周（两个快照都覆盖的计划周）。",
        "Comparing the {weeks} weeks from {start} (weeks both snapshots plan).",
    ),
    "history.col.county": ("区县", "County"),
    "history.col.cluster": ("产业带", "Cluster"),
    "history.col.category": ("品类", "Category"),
    "history.col.capacity_a": ("较早产能（件）", "Older capacity (pcs)"),
    "history.col.capacity_b": ("较新产能（件）", "Newer capacity (pcs)"),
    "history.col.capacity_change": ("产能变化（件）", "Capacity change (pcs)"),
    "history.col.capacity_change_pct": ("产能变化率", "Capacity change"),
    "history.col.booked_change": ("已接单变化（件）", "Booked change (pcs)"),
    "history.col.suppressed": ("隐藏的单元格", "Suppressed cells"),
    "history.no_capacity": (
        "所选范围内两个快照都没有产能数据。",
        "Neither snapshot has capacity in this range.",
    ),
    "history.download": ("下载产能变化（CSV）", "Download the capacity change (CSV)"),
    "history.suppressed_note": (
        "少于 3 家工厂的单元格已隐藏，不计入合计。",
        "Cells of fewer than 3 factories are suppressed and not summed.",
    ),
    "history.chart_title": ("产能变化最大的区县 × 品类", "Largest capacity changes, county × category"),
    # progress and summaries
    "ingest.progress.checking": ("正在校验 {rows} 行…", "Checking {rows} rows…"),
    "ingest.progress.checked": ("已校验 {rows} 行", "Checked {rows} rows"),
    "ingest.progress.rows": ("已读取并校验 {rows} 行…", "Read and checked {rows} rows…"),
    "ingest.progress.merging": ("正在按主键合并…", "Merging by key…"),
    "ingest.progress.writing": ("正在写入新快照…", "Writing the new snapshot…"),
    "ingest.progress.done": ("已写入快照 {sid}", "Wrote snapshot {sid}"),
    "ingest.summary": (
        "共读取 {rows_in} 行：{ok} 行有效，{bad} 行有错误。",
        "Read {rows_in} rows: {ok} valid, {bad} with errors.",
    ),
}
