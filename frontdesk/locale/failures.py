"""Strings for failures: what happened and what to do (workers, actions, opening the database)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "fail.title": ("操作未完成", "Not done"),
    "fail.locked": ("数据库正被另一个程序占用（可能是另一个前台值守窗口）。",
                    "The database is busy: another program (perhaps another frontdesk window) "
                    "is using it."),
    "fail.locked.todo": ("请稍等几秒后重试。", "Wait a few seconds and try again."),
    "fail.disk_full": ("磁盘已满，无法保存。", "The disk is full; nothing could be saved."),
    "fail.disk_full.todo": ("请清理磁盘空间后重试。", "Free some disk space, then try again."),
    "fail.read_only": ("数据库文件只读，无法写入。", "The database file cannot be written (read-only)."),
    "fail.read_only.todo": ("请检查文件及其文件夹的权限，或运行 frontdesk doctor。",
                            "Check the permissions of the file and its folder, or run "
                            "`frontdesk doctor`."),
    "fail.corrupt": ("数据库文件已损坏，或不是前台值守的数据库。",
                     "The database file is damaged, or is not a frontdesk database."),
    "fail.corrupt.todo": ("请运行 frontdesk doctor；备份在 {backups}。",
                          "Run `frontdesk doctor`; backups are in {backups}."),
    "fail.cannot_open": ("无法打开数据库文件（该路径是文件夹，或不存在、无权限）。",
                         "The database file cannot be opened (the path is a folder, or is "
                         "missing or not permitted)."),
    "fail.cannot_open.todo": ("请检查 --db 指定的路径，或运行 frontdesk doctor。",
                              "Check the path given with --db, or run `frontdesk doctor`."),
    "fail.newer": ("这个数据库由更新版本的前台值守创建。",
                   "This database was made by a newer frontdesk."),
    "fail.newer.todo": ("请更新前台值守；文件未被改动。",
                        "Update frontdesk; the file was not changed."),
    "fail.storage": ("数据库出错。", "The database reported an error."),
    "fail.storage.todo": ("请重试；如仍失败，请运行 frontdesk doctor。",
                          "Try again; if it fails again, run `frontdesk doctor`."),
    "fail.not_signed_in": ("没有人登录，未保存。", "Nobody is signed in; nothing was saved."),
    "fail.not_signed_in.todo": ("请先登录。", "Sign in first."),
    "fail.other": ("出现意外错误，操作未完成。", "Something went wrong; the action did not finish."),
    "fail.other.todo": ("详情已写入日志；可重试，或联系主管。",
                        "The details were logged; try again, or call your supervisor."),
    # The start screen while the database opens, and when it does not.
    "start.opening": ("正在打开数据库……", "Opening the database…"),
    "start.failed": ("数据库无法打开", "The database could not be opened"),
    "start.file": ("数据库文件：{path}", "Database file: {path}"),
    "start.backups": ("备份位置：{path}", "Backups: {path}"),
    "start.doctor": ("检查与修复：在终端运行 frontdesk doctor", "Check and repair: run "
                     "`frontdesk doctor` in a terminal"),
    "start.retry_in": ("{n} 秒后自动重试（第 {tries} 次）……",
                       "Trying again by itself in {n} s (attempt {tries})…"),
    "start.keys": ("R 重试 · F9 中/EN · Ctrl+Q 退出", "R retry · F9 中/EN · Ctrl+Q quit"),
    "bind.start.retry": ("重试", "Retry"),
}
