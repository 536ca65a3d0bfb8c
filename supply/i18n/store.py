"""Strings of the snapshot writers: an upload that changes nothing, a stale or blocked edit."""

STRINGS = {
    "ingest.err.no_change": (
        "文件 {file} 的数据与最新快照 {sid} 完全相同，没有任何变化，因此没有生成新快照。",
        "The file {file} holds exactly the data of the newest snapshot {sid}: nothing would "
        "change, so no snapshot was written.",
    ),
    "my_factory.err_changed": (
        "第 {row} 行（{week}，{category}）：您编辑期间，列「{column}」已被他人从 {old} 改为 {new}；"
        "未保存任何修改，请查看最新数据后重新填写。",
        "Row {row} ({week}, {category}): while you were editing, '{column}' was changed from "
        "{old} to {new}; nothing was saved. Check the newest figures and enter your change again.",
    ),
    "my_factory.err_base_gone": (
        "您编辑时看到的快照 {sid} 已不存在（最新为 {new}）；未保存任何修改，请重新打开本页后再填写。",
        "The snapshot {sid} you were editing no longer exists (the newest is {new}); nothing "
        "was saved. Open this page again and enter your change on the newest figures.",
    ),
    "my_factory.err_busy": (
        "另一项数据写入（上传、编辑或清理）仍在进行，等待超时；未保存任何修改，请稍后再试。",
        "Another write (an upload, an edit or a prune) is still running and the wait timed "
        "out; nothing was saved. Try again in a moment.",
    ),
}
