"""The contact tree: the reporting chain in order, departments and contractors beside it, the
emergency numbers, and the policy check's warnings. Labels pass through ``cell``."""
from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from frontdesk.domain.escalation.contacts import EMERGENCY_NUMBERS, ROLES, Contact, display_phone, on_duty_now
from frontdesk.domain.escalation.check import PolicyWarning
from frontdesk.i18n import language, pick, t
from frontdesk.text import cell

CHAIN_STEP = {"guard": 1, "security_supervisor": 2, "project_manager": 3, "regional_head": 4,
              "developer_cs": 4, "group_leadership": 5}
"""Position of each chain role (regional head and developer CS are the same level)."""


def contact_label(c: Contact, now_local: datetime) -> Text:
    """``name · phone / backup · on duty 08:00-20:00`` (muted when off duty)."""
    label = cell(c.name, 16)
    phones = [display_phone(p) for p in (c.phone, c.backup_phone) if p]
    label.append("  " + (" / ".join(phones) if phones else t("esc.no_number")),
                 style="" if c.dial else "bold red")
    on = on_duty_now(c, now_local)
    label.append("  " + (t("con.on") if on else t("con.off")), style="green" if on else "dim")
    if c.duty_hours:
        label.append(" " + t("con.hours", h=c.duty_hours), style="dim")
    if c.unit:
        label.append("  ")
        label.append_text(cell(c.unit, 16))
    if not on:
        label.stylize("dim")
    return label


class ContactTree(Tree[str]):
    """Contacts by branch and role; a leaf's data is the contact id ("" elsewhere)."""

    def show(self, contacts: list[Contact], warnings: list[PolicyWarning],
             now_local: datetime) -> None:
        """Rebuild the tree, keeping the cursor on the same contact when possible."""
        selected = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        self.root.set_label(Text(t("con.root")))
        self.root.expand()
        by_role: dict[str, list[Contact]] = {}
        for c in contacts:
            by_role.setdefault(c.role, []).append(c)
        target: TreeNode[str] | None = None
        for branch in ("chain", "outside", "emergency"):
            node = self.root.add(Text(t(f"con.branch.{branch}"), style="bold"), data="",
                                 expand=True)
            for role in (r for r in ROLES.values() if r.branch == branch):
                people = by_role.get(role.id, [])
                name = pick((role.zh, role.en))
                prefix = f"{CHAIN_STEP[role.id]}. " if role.id in CHAIN_STEP else ""
                label = Text(prefix + name, style="bold")
                if role.id in EMERGENCY_NUMBERS:
                    label.append(f"  {EMERGENCY_NUMBERS[role.id]}", style="bold")
                elif not people:
                    label.append("  " + t("con.nobody"), style="dim")
                role_node = node.add(label, data="", expand=True, allow_expand=bool(people))
                for c in people:
                    leaf = role_node.add_leaf(contact_label(c, now_local), data=c.id)
                    if c.id == selected:
                        target = leaf
        if warnings:
            warn = self.root.add(Text("⚠ " + t("con.warnings", n=len(warnings)),
                                      style="bold yellow"), data="", expand=True)
            for w in warnings[:30]:
                warn.add_leaf(cell(w.message_zh if language() == "zh" else w.message), data="")
        else:
            self.root.add_leaf(Text("✔ " + t("con.no_warnings"), style="green"), data="")
        if target is not None:
            self.move_cursor(target)
