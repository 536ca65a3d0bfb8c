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
    "ingest.err.unclosed_quote": (
        '第 {row} 行有一个引号（"）没有闭合，它之后的内容都被读成了同一个单元格。请在该行补上或删去这个引号后再上传。',
        'Row {row} opens a quote (") that is never closed, so everything after it reads as one '
        "cell. Close or remove that quote in this row and upload again.",
    ),
    "ingest.err.line_too_long": (
        "第 {row} 行超过 {limit} 字节，不像一行表格数据（可能是一个超长单元格或一整行逗号）。请检查该行后再上传。",
        "Line {row} is longer than {limit} bytes, which no table row needs (a huge cell or a "
        "line of delimiters). Check that line and upload again.",
    ),
    "ingest.err.field_too_long": (
        '第 {row} 行有一个单元格超过 {limit} 字节，常见原因是引号（"）没有闭合。请检查该行后再上传。',
        'A cell in row {row} is longer than {limit} bytes, most often because a quote (") is '
        "never closed. Check that row and upload again.",
    ),
    "ingest.err.too_many_columns": (
        "表头有 {n} 列，上限 {limit} 列。请只保留需要上传的列（或检查分隔符）后再上传。",
        "The header has {n} columns; the limit is {limit}. Keep only the columns to upload "
        "(or check the delimiter) and upload again.",
    ),
    "ingest.err.macro_workbook": (
        "{name} 含有宏（VBA）。系统不接收也不保存宏：请在 Excel 中“另存为”Excel 工作簿（.xlsx）或 CSV 后再上传。",
        "{name} contains macros (VBA). Macros are refused, never stored: save it in Excel as "
        "an Excel Workbook (.xlsx) or CSV and upload again.",
    ),
    "ingest.err.external_links": (
        "{name} 引用了其他工作簿（{n} 个外部链接），其中的数值只是上次打开时的缓存，可能已过期，因此不予接收。"
        "请先“复制 → 选择性粘贴 → 数值”，断开链接后另存为 .xlsx 或 CSV 再上传。",
        "{name} links to other workbooks ({n} external links); their cells hold values cached "
        "when the file was last opened, possibly out of date, so it is refused. Paste the "
        "values (Copy > Paste Special > Values), break the links, save as .xlsx or CSV and upload again.",
    ),
    "ingest.err.worker_timeout": (
        "读取和检查此文件超过了 {seconds} 秒的时限，已停止，未写入任何内容。请拆分文件后再上传。",
        "Reading and checking this file took longer than the {seconds} s limit; it was "
        "stopped and nothing was written. Split the file and upload the parts.",
    ),
    "ingest.err.worker_memory": (
        "读取和检查此文件所需内存超过 {mb} MB 的上限，已停止，未写入任何内容。请拆分文件后再上传。",
        "Reading and checking this file needed more than the {mb} MB memory limit; it was "
        "stopped and nothing was written. Split the file and upload the parts.",
    ),
    "ingest.err.worker_failed": (
        "读取此文件时出错（{detail}），未写入任何内容。",
        "Reading this file failed ({detail}); nothing was written.",
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
    "ingest.reason.below_min": ("太小：允许范围是 {detail}。", "Too small: the allowed range is {detail}."),
    "ingest.reason.above_max": ("太大：允许范围是 {detail}。", "Too large: the allowed range is {detail}."),
    "ingest.reason.not_finite": (
        "不是有限的数（NaN 或无穷大），请填写一个数字。",
        "Not a finite number (NaN or infinity); write a number.",
    ),
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
