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
# Textual's own key descriptions (bindings without an id), by action (frontdesk.bindings.describe).
STRINGS.update({
    "textual.app.focus_next": ("下一项", "Next field"),
    "textual.app.focus_previous": ("上一项", "Previous field"),
    "textual.screen.copy_text": ("复制选中的文字", "Copy selected text"),
    "textual.copy": ("复制选中的文字", "Copy selected text"),
    "textual.dismiss": ("收起列表", "Close the list"),
    "textual.escape": ("关闭命令面板", "Close the command palette"),
    "textual.show_overlay": ("展开列表", "Open the list"),
    "textual.select": ("选择", "Select"),
    "textual.select_cursor": ("打开", "Open"),
    "textual.cursor_up": ("上移", "Up"),
    "textual.cursor_down": ("下移", "Down"),
})
# F1: how each screen works, in words, before its keys (frontdesk.screens.help.Explained).
STRINGS.update({
    "help.text.register": (
        "这是登记簿。直接打字就是搜索（所有日期）：姓名、拼音首字母（zs 找张三）、单位、电话（整号、前几位、中间几位或后四位）、车牌、证件号或其后四位、类别（记者、访客…）。"
        "↑↓ 选人，回车 打开修改；Ctrl+N 新登记，Ctrl+O 签离选中的人，Ctrl+Y 按类别筛选，Ctrl+B 打印访客单，Esc 清除搜索。"
        "话术：Alt+1…9 直接打开（或 F5 再按数字）；卡片在屏上 3 秒才算已读，只记入你选中的人（用 ↑↓ 选过，或搜索到只剩一人）。"
        "来过的人：新登记时输入姓名或电话，↑↓ 选择，F4 填入。",
        "This is the register. Typing searches at once (every day): a name, its pinyin initials (zs finds 张三), an outlet, a phone number (whole, its first, middle or last four digits), a plate, an ID number or its last four, a kind (journalist, visitor…). "
        "↑/↓ choose a person, Enter opens the entry; Ctrl+N logs a new one, Ctrl+O signs the chosen person out, Ctrl+Y filters by kind, Ctrl+B prints a visitor slip, Esc clears the search. "
        "Scripts: Alt+1…9 open one (or F5, then the digit); a card counts as read after 3 s on screen, and only against the person you chose (with ↑/↓, or by searching until one is left). "
        "Returning people: in a new entry type the name or phone, ↑/↓ pick, F4 fills."),
    "help.text.form": (
        "每行一项：Tab 或 回车 到下一项，↑↓ 直接改类别或证件类型（空格 展开列表）。"
        "输入姓名或电话时列出来过的人：↑↓ 选择，F4 填入（连同类别）。同一电话、证件或姓名加单位的人已在场时会提示进入时间，Ctrl+E 改为打开那条登记。"
        "Ctrl+S 保存；出错时光标停在出错的一项，已填内容都保留。Esc 返回：填过内容会先问；Ctrl+Q 退出也会先问。",
        "One field a row: Tab or Enter moves on, ↑/↓ change the kind or credential in place (Space opens the list). "
        "Typing a name or phone lists people who came before: ↑/↓ pick, F4 fills their details, kind included. Somebody already on site with the same phone, ID, or name and outlet is flagged with their time in; Ctrl+E opens that entry instead. "
        "Ctrl+S saves; on an error the cursor goes to the field at fault and everything typed stays. Esc goes back, asking first if something was typed; so does Ctrl+Q."),
    "help.text.card": (
        "大声读出编号的句子。卡片在屏上 3 秒即记为已读，记入卡片下方写明的登记或事件；很快翻过的卡片不算。"
        "读错了按 Ctrl+Z 划去（历史中保留并注明）。［方括号］是还缺的内容：按 V 填写。C 复制，B 中英对照，L 切换话术语言，Alt+数字 换一张，F5 全部话术，Esc 返回。",
        "Read the numbered lines aloud. A card counts as read once it has been on screen for 3 s, recorded against the entry or incident named under it; a card flicked past does not count. "
        "Recorded by mistake? Ctrl+Z strikes it out (the history keeps it, marked). [Brackets] are what is still missing: V fills them in. C copies, B both languages, L the script's language, Alt+digit another card, F5 all scripts, Esc back."),
    "help.text.picker": (
        "按数字直接打开该编号的话术；或输入标题里的字筛选，↑↓ 选择，回车 打开。F7 话术管理，Esc 返回。",
        "A digit opens the script with that key; or type words of its title to filter, ↑/↓ choose, Enter opens. F7 manages scripts, Esc goes back."),
    "help.text.signin": (
        "在名单里用 ↑↓ 选自己的名字（或输入名字、拼音首字母缩小名单），回车，输入密码，回车。密码错了光标回到密码；多次错误会暂时锁定。F9 切换语言。",
        "Pick your name in the list with ↑/↓ (or type it, or its pinyin initials, to narrow the list), Enter, type your PIN, Enter. A wrong PIN puts the cursor back in the PIN; many wrong tries lock for a while. F9 switches the language."),
    "help.text.setup": (
        "第一次启动：创建第一位主管（姓名、两次密码），确认小区名称和时区。密码规则写在密码上方；出错时光标停在出错的一项。Tab/回车 下一项，最后一项回车 确定。F9 切换语言。",
        "First start: create the first supervisor (a name, the PIN twice) and confirm the site's name and time zone. The PIN rule is shown above the PIN; on an error the cursor goes to the field at fault. Tab/Enter next, Enter on the last field confirms. F9 switches the language."),
    "help.text.history": (
        "这条登记的每次修改（谁、何时、改了哪些项）和对此人宣读过的话术。记错的宣读：选中后按 Ctrl+Z 划去（只能划去自己记的，主管可划去任何人的；历史中保留并注明）。",
        "Every change to this entry (who, when, which fields) and the scripts read to this person. A reading recorded by mistake: choose it and press Ctrl+Z to strike it out (your own only; a supervisor may strike any; the history keeps it, marked)."),
})
