"""The escalation policy per kind and level: both chains, step by step; a supervisor edits
the simple fields of a step (misses before moving on, minutes between calls, order)."""
from __future__ import annotations

import copy
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Select, Static

from frontdesk.domain.escalation.model import Level, StepKind
from frontdesk.domain.escalation.policy import PolicyError, plan_for, policy_kinds
from frontdesk.i18n import pick, t
from frontdesk.messages import DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.services.escalation.service import role_label
from frontdesk.text import cell, one_line, ui

EDITABLE = {StepKind.CALL, StepKind.CALL_MANY, StepKind.EMERGENCY}


def source_of(doc: dict[str, Any], kind: str, level: str, chain: str) -> tuple[str, str] | None:
    """Where the chain for (kind, level) comes from: (kind key, level key) in ``doc``."""
    for k in (kind, "default"):
        entry = doc["kinds"].get(k)
        if not isinstance(entry, dict):
            continue
        for lv in (level, "all"):
            block = entry.get(lv)
            if isinstance(block, dict) and chain in block:
                return k, lv
    return None


class PolicyScreen(FrontdeskScreen[bool]):
    """Pick a kind and a level; Enter edits the responder step under the cursor."""

    DEFAULT_CSS = """
    PolicyScreen #pol-pickers { height: 1; }
    PolicyScreen #pol-pickers Select { width: 1fr; }
    PolicyScreen #pol-pickers #pol-kind { width: 2fr; }
    PolicyScreen #pol-source { height: 1; color: $text-muted; padding: 0 1; }
    PolicyScreen #pol-table { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+e", "edit", "Edit step", id="pol.edit", priority=True),
        # cycles the level as Ctrl+Y cycles the register's kinds (Ctrl+L locks)
        Binding("ctrl+y", "next_level", "Next level", id="pol.level", priority=True),
        Binding("escape", "close", "Back", id="esc.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.doc: dict[str, Any] = {}
        self.changed = False

    @property
    def service(self) -> ContactService:
        """The contact service (owns the policy file)."""
        return self.ctx.service("contacts", ContactService)

    def compose(self) -> ComposeResult:
        """Pickers, source line, steps table."""
        yield Header()
        with Horizontal(id="pol-pickers"):
            self.doc = self.service.policy_doc()
            yield Select(self._kind_options(), id="pol-kind", value="default",
                         allow_blank=False, compact=True)
            yield Select([(lv.value, lv.value) for lv in Level], id="pol-level",
                         value=Level.SERIOUS.value, allow_blank=False, compact=True)
        yield Static(id="pol-source")
        yield DataTable(id="pol-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """The steps table has the focus."""
        super().on_mount()
        self.query_one(DataTable).focus()

    def relabel(self) -> None:
        """Choices and columns in the current language."""
        self.sub_title = t("con.policy.title")
        level = self.query_one("#pol-level", Select)
        value = level.value
        level.set_options([(pick((lv.label.zh, lv.label.en)), lv.value) for lv in Level])
        level.value = value if value != Select.NULL else Level.SERIOUS.value
        if self.doc:
            kind = self.query_one("#pol-kind", Select)
            current = kind.value
            options = self._kind_options()
            kind.set_options(options)
            other = next((k for _, k in options if k != current), current)
            with kind.prevent(Select.Changed):
                kind.value = other  # the shown label only follows a change of value
                kind.value = current
        self._fill()

    def reload(self) -> None:
        """Read the policy document in force."""
        self.doc = self.service.policy_doc()
        kind = self.query_one("#pol-kind", Select)
        value = kind.value
        names = self._kind_options()
        if names != list(kind._options):
            kind.set_options(names)
            kind.value = value if value in {k for _, k in names} else "default"
        self._fill()

    def _kind_options(self) -> list[tuple[str, str]]:
        names = []
        for k in policy_kinds(self.doc):
            entry = self.doc["kinds"][k]
            names.append((one_line(pick(entry) if isinstance(entry, dict) and "zh" in entry
                                   else k, 40), k))
        return names

    def on_select_changed(self, _event: Select.Changed) -> None:
        """Another kind or level: show its chains."""
        self._fill()

    def _selection(self) -> tuple[str, str]:
        kind = self.query_one("#pol-kind", Select).value
        level = self.query_one("#pol-level", Select).value
        return (str(kind) if kind != Select.NULL else "default",
                str(level) if level != Select.NULL else Level.SERIOUS.value)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(t("con.policy.responder"), key="text")
        if not self.doc:
            return
        kind, level = self._selection()
        chains = plan_for(self.doc, kind, level).chains(Level(level))
        src = source_of(self.doc, kind, level, "responder")
        self.query_one("#pol-source", Static).update(ui("← " + "/".join(src) if src else ""))
        for i, s in enumerate(chains.responder):
            who = " / ".join(role_label(x.role) if x.role else one_line(x.contact_id, 8)
                             for x in s.targets)
            if s.kind is StepKind.WAIT:
                who = f"{s.wait_minutes}′"
            elif s.kind is StepKind.REPEAT:
                who = f"→ {s.to_step + 1} ×{s.max_repeats}"
            if s.kind in EDITABLE:
                text = t("con.policy.step", n=i + 1, kind=t(f"esc.kind.{s.kind.value}"),
                         who=who, m=s.misses_to_advance, w=s.wait_minutes)
            else:
                text = f"{i + 1}. {t(f'esc.kind.{s.kind.value}')} {who}"
            table.add_row(cell(text), key=f"r{i}")
        table.add_row(Text(t("con.policy.reporting"), style="bold"), key="head")
        for i, r in enumerate(chains.reporting):
            who = " / ".join(role_label(x.role) for x in r.targets)
            text = t("con.policy.report", n=i + 1, who=who, d=r.deadline_minutes,
                     after=t("con.policy.after") if r.after_the_fact else "")
            table.add_row(cell(text), key=f"p{i}")

    def _step_index(self) -> int | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        return int(key[1:]) if key.startswith("r") else None

    def action_edit(self) -> None:
        """Edit the responder step under the cursor (supervisor)."""
        index = self._step_index()
        if index is None:
            self.app.notify(t("con.policy.not_editable"), severity="warning", markup=False)
            return
        guard_action(self.fd_app, "edit_chains", lambda: self._open_editor(index))

    def _open_editor(self, index: int) -> None:
        from frontdesk.screens.escalation.policy_edit import StepEditScreen

        kind, level = self._selection()
        step = plan_for(self.doc, kind, level).chains(Level(level)).responder[index]
        count = len(plan_for(self.doc, kind, level).chains(Level(level)).responder)
        self.app.push_screen(StepEditScreen(index, step, count,
                                            lambda m, w, o: self.save_step(index, m, w, o)),
                             self._edited)

    def save_step(self, index: int, misses: int, wait: int, order: int) -> str | None:
        """Apply the edit to the source block and save; the error text, or None when saved."""
        kind, level = self._selection()
        src = source_of(self.doc, kind, level, "responder")
        if src is None:
            return t("con.policy.not_editable")
        doc = copy.deepcopy(self.doc)
        steps: list[dict[str, Any]] = doc["kinds"][src[0]][src[1]]["responder"]
        raw = steps[index]
        if StepKind(raw.get("kind")) in EDITABLE:
            raw["misses_to_advance"], raw["wait_minutes"] = misses, wait
        steps.insert(max(0, min(order - 1, len(steps) - 1)), steps.pop(index))
        try:
            self.service.save_policy_doc(doc)
        except PolicyError as exc:
            return t("con.policy.invalid", error="; ".join(exc.problems[:3]))
        self.doc = doc
        return None

    def _edited(self, saved: bool | None) -> None:
        if saved:
            self.changed = True
            self.app.notify(t("con.policy.saved"), markup=False)
            self.app.post_message(DataChanged("policies"))
            self._fill()

    def action_next_level(self) -> None:
        """Cycle general → serious → severe."""
        select = self.query_one("#pol-level", Select)
        levels = [lv.value for lv in Level]
        current = str(select.value) if select.value != Select.NULL else levels[0]
        select.value = levels[(levels.index(current) + 1) % len(levels)]

    def action_close(self) -> None:
        """Back to the contacts."""
        self.dismiss(self.changed)
