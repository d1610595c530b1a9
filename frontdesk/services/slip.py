"""The visitor slip of one register entry: who, masked ID, time in, whom to see, the guard.

Written from the selected entry to ``<data dir>/slips/`` (the booth PC prints it from there);
the ID number is masked whoever prints it (the slip is handed to the visitor and may be lost),
and the export is an audit event like every file that carries personal data out.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.domain.register.visits import Visit
    from frontdesk.export.slip import Slip


class SlipService:
    """Visitor slips on one context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def slip(self, visit: Visit) -> Slip:
        """What the slip of ``visit`` says (both languages: the visitor may read either)."""
        from frontdesk.domain.register.validation import display_phone, mask_id
        from frontdesk.domain.sitetime import full_time
        from frontdesk.export.slip import Slip
        from frontdesk.i18n import both

        site = self.ctx.require_site()

        def label(key: str) -> str:
            zh, en = both(key)
            return f"{zh} {en}"

        kind_zh, kind_en = both(f"kind.{visit.kind.value}")
        cred = mask_id(visit.credential_number) if visit.credential_number else ""
        if cred:
            cred_zh, _cred_en = both(f"cred.{visit.credential_type.value}")
            cred = f"{cred_zh} {cred}"
        name = (label("slip.name"), visit.name or " ".join(both("reg.no_name")))
        lines = (
            (label("slip.kind"), f"{kind_zh} {kind_en}"),
            (label("slip.org"), visit.organisation),
            (label("slip.id"), cred),
            (label("slip.time_in"), full_time(visit.time_in, site.timezone)),
            (label("slip.to_see"), visit.came_to_see or visit.guided_to),
            (label("slip.party"), str(visit.party_size)),
            (label("slip.plate"), visit.plate),
            (label("slip.phone"), display_phone(visit.phone)),
            (label("slip.guard"), visit.guard or self.ctx.session.user),
        )
        return Slip(title=" ".join(both("slip.title")), site=site.name,
                    lines=(name, *((k, v) for k, v in lines if v)),
                    foot=" ".join(both("slip.foot")) + f"  #{visit.id[:8]}")

    def write(self, visit: Visit, folder: Path | None = None) -> Path:
        """Write the slip PDF (into ``folder``, default ``<data dir>/slips``); return its path."""
        from frontdesk.export.slip import write_slip
        from frontdesk.services.trust.audit import record_export

        target_dir = folder or self.ctx.paths.data_dir / "slips"
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = self.ctx.clock.now().strftime("%Y%m%d-%H%M%S")
        path = target_dir / f"slip-{stamp}-{visit.id[:8]}.pdf"
        write_slip(self.slip(visit), path)
        record_export(self.ctx, "slip", visit.id, path, ())
        return path


def slip_service(ctx: AppContext) -> SlipService:
    """The context's slip service (built once)."""
    return ctx.service("slip", SlipService)
