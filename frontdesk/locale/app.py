"""Strings for the app frame: title, common keys, dialogs, palette, errors at start."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("前台值守", "frontdesk"),
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
    "guard.no_step_up": ("此操作需要主管再次输入 PIN，但本程序未配置 PIN 确认，已拒绝。",
                         "This needs the supervisor's PIN again, and this app has no PIN "
                         "check set up: refused."),
    "bind.app.board": ("值班看板", "Duty board"),
    "bind.app.scripts": ("话术", "Scripts"),
    "bind.app.contacts": ("通讯录", "Contacts"),
    "bind.app.sync": ("文件交换", "Files"),
    **{f"bind.app.script{n}": (f"话术 {n}", f"Script {n}") for n in range(1, 10)},
})
