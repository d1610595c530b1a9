"""Strings for the app frame: title, common keys, dialogs, palette, errors at start."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("前台值守", "frontdesk"),
    "app.loading": ("正在打开数据库……", "Opening the database…"),
    "app.store_error": ("数据库无法打开", "The database could not be opened"),
    "app.store_error_hint": ("请联系主管。按 Ctrl+Q 退出。", "Call your supervisor. Ctrl+Q quits."),
    "app.role.guard": ("保安", "guard"),
    "app.role.supervisor": ("主管", "supervisor"),
    "bind.app.help": ("帮助", "Help"),
    "bind.app.language": ("中/EN", "中/EN"),
    "bind.app.quit": ("退出", "Quit"),
    "bind.app.register": ("登记簿", "Register"),
    "bind.app.palette": ("命令", "Commands"),
    "cmd.language": ("切换语言 (中文/English)", "Switch language (中文/English)"),
    "cmd.language.help": ("界面语言在中文和英文之间切换并保存", "Switch the UI between Chinese and English; saved"),
    "cmd.theme": ("更换主题", "Change theme"),
    "cmd.theme.help": ("选择配色主题", "Pick a colour theme"),
    "cmd.quit": ("退出程序", "Quit the app"),
    "cmd.quit.help": ("关闭前台值守", "Close frontdesk"),
    "cmd.help.help": ("列出当前界面的所有按键", "List every key of this screen"),
    "lang.switched": ("已切换为中文", "Switched to English"),
    "help.title": ("按键帮助", "Keys"),
    "help.key": ("按键", "Key"),
    "help.action": ("功能", "Action"),
    "help.close": ("按 Esc 关闭", "Esc closes"),
    "help.global": ("全局", "Everywhere"),
    "confirm.yes": ("是 (Y)", "Yes (Y)"),
    "confirm.no": ("否 (N)", "No (N)"),
    "common.close": ("关闭", "Close"),
    "common.cancel": ("取消", "Cancel"),
    "common.none": ("（无）", "(none)"),
}
STRINGS.update({
    "guard.refused": ("此操作需要主管权限", "This needs a supervisor"),
    "bind.app.board": ("值班看板", "Duty board"),
    "bind.app.scripts": ("话术", "Scripts"),
    "bind.app.contacts": ("通讯录", "Contacts"),
    "bind.app.sync": ("文件交换", "Files"),
    **{f"bind.app.script{n}": (f"话术 {n}", f"Script {n}") for n in range(1, 10)},
})
STRINGS.update({
    "demo.written": ("演示数据已写入 {path}（{n} 条登记）", "demo data written to {path} ({n} register entries)"),
    "demo.sign_in": ("启动：frontdesk --db {db}，在登录框用 ↑↓ 选人、输入密码、回车：",
                     "Start it with: frontdesk --db {db}; at sign-in pick a person with ↑/↓, type the PIN, Enter:"),
    "demo.user": ("  {name}（{role}）密码 {pin}", "  {name} ({role}) PIN {pin}"),
    "demo.existing_users": ("这个数据库已有用户，请用原来的姓名和密码登录。",
                            "This database already has users: sign in with their names and PINs."),
})
STRINGS.update({
    "discard.question": ("放弃{what}里填写的内容？", "Discard what you typed in {what}?"),
    "discard.quit": ("{forms}里有未保存的填写内容。仍要退出并放弃？",
                     "{forms}: what you typed is not saved. Quit anyway and discard it?"),
    "discard.sep": ("、", ", "),
})
