"""Strings for what the app says at start: the escalation check in words, first-start help."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "start.warn.title": ("上报电话有 {n} 处打不通：", "{n} escalation call(s) cannot be made:"),
    "start.warn.role_unfilled": ("没有人担任「{who}」", "nobody is listed as {who}"),
    "start.warn.no_valid_phone": ("「{who}」没有有效的电话号码", "{who}: no valid phone number"),
    "start.warn.nobody_on_duty": ("「{who}」现在无人在岗", "{who}: nobody on duty now"),
    "start.warn.unknown_contact": ("上报链里点名的一位联系人已不在通讯录中",
                                   "a contact named in a chain is no longer listed"),
    "start.warn.unknown_script": ("上报链里提到的话术不存在", "a chain names a script that does not exist"),
    "start.warn.someone": ("某位联系人", "a contact"),
    "start.warn.more": ("另有 {n} 处", "and {n} more"),
    "start.warn.where": ("按 F6 通讯录查看和补充。", "F6 (contacts) shows them all."),
}
