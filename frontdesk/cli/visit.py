"""``frontdesk visit add|out|list``: the register from scripts and cron (field names: docs/cli.md)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.domain.register.visits import Visit, VisitKind

# Option name -> form field (text fields of the register form).
TEXT_OPTIONS = {
    "name": "name", "org": "organisation", "phone": "phone", "credential": "credential_number",
    "purpose": "purpose", "plate": "plate", "came_to_see": "came_to_see",
    "guided_to": "guided_to", "notified": "notified", "location": "location", "notes": "notes",
    "guard": "guard",
}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``visit`` and its subcommands."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("visit", help="add, sign out and list register entries")
    vsub = p.add_subparsers(dest="visit_command", metavar="ACTION", required=True)
    add = vsub.add_parser("add", help="log a register entry")
    common_db(add)
    add.add_argument("--kind", required=True, help="journalist, visitor, vip, contractor, "
                     "suspicious_person, suspicious_vehicle, media_call, filming")
    for opt in TEXT_OPTIONS:
        add.add_argument("--" + opt.replace("_", "-"), dest=opt, default="", metavar="TEXT")
    add.add_argument("--credential-type", default="none", metavar="TYPE",
                     help="none, press_card, business_card, resident_id, passport, "
                     "driver_licence, work_card, other")
    add.add_argument("--party-size", default="1", metavar="N")
    add.add_argument("--time-in", default="", metavar="ISO",
                     help="arrival (ISO time, or YYYY-MM-DD HH:MM site time); default now")
    add.set_defaults(func=run_add)
    out = vsub.add_parser("out", help="sign an entry out (now)")
    common_db(out)
    out.add_argument("id", help="entry id (from visit add / visit list), or enough of its "
                     "start to name one entry")
    out.set_defaults(func=run_out)
    lst = vsub.add_parser("list", help="list a day's entries (default today)")
    common_db(lst)
    lst.add_argument("--date", default="", metavar="YYYY-MM-DD", help="site day (default today)")
    lst.add_argument("--on-site", action="store_true", help="only people not signed out")
    lst.set_defaults(func=run_list)


def _open(args: argparse.Namespace) -> AppContext:
    from frontdesk.context import AppContext

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    return ctx


def visit_json(ctx: AppContext, v: Visit) -> dict[str, Any]:
    """One entry with the stable CLI field names (times ISO with the site offset)."""
    from frontdesk.domain.register.validation import mask_id
    from frontdesk.domain.sitetime import iso_local

    tz = ctx.require_site().timezone
    return {
        "id": v.id, "kind": v.kind.value, "name": v.name, "organisation": v.organisation,
        "phone": v.phone, "credential_type": v.credential_type.value,
        "credential_number": mask_id(v.credential_number) if v.credential_number else "",
        "purpose": v.purpose, "plate": v.plate, "party_size": v.party_size,
        "came_to_see": v.came_to_see, "guided_to": v.guided_to, "notified": v.notified,
        "location": v.location, "notes": v.notes, "guard": v.guard,
        "time_in": iso_local(v.time_in, tz),
        "time_out": iso_local(v.time_out, tz) if v.time_out else None,
        "on_site": v.time_out is None, "incident_id": v.incident_id, "conflict": v.conflict,
    }


def _time_in(ctx: AppContext, text: str) -> str:
    """An ISO time as the form's ``YYYY-MM-DD HH:MM`` site time (other text passes through)."""
    from frontdesk.domain.sitetime import full_time, parse_iso

    if not text.strip():
        return ""
    tz = ctx.require_site().timezone
    try:
        return full_time(parse_iso(text, tz), tz)
    except ValueError:
        return text


def _explain(code: str, kind: VisitKind) -> str:
    """A validation code in the command's language (``--lang``), naming the kind given."""
    from frontdesk.i18n import catalog, t
    from frontdesk.services.register import kind_in_sentence

    if f"err.{code}" not in catalog():
        return code
    return f"{t(f'err.{code}', kind=kind_in_sentence(kind))} ({code})"


def _emit(args: argparse.Namespace, obj: Any, text: str) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(text + "\n")


def run_add(args: argparse.Namespace) -> int:
    """Validate and save one entry; errors name each field and change nothing."""
    from frontdesk.cli.main import CliError
    from frontdesk.domain.register.visits import CredentialType, VisitKind
    from frontdesk.i18n import t
    from frontdesk.services.register import FormInvalid, VisitForm

    try:
        kind = VisitKind(args.kind)
    except ValueError:
        raise CliError(f"--kind: {args.kind!r} is not one of "
                       f"{', '.join(k.value for k in VisitKind)}", "bad_kind") from None
    try:
        ctype = CredentialType(args.credential_type)
    except ValueError:
        raise CliError(f"--credential-type: {args.credential_type!r} is not one of "
                       f"{', '.join(c.value for c in CredentialType)}", "bad_credential_type") from None
    ctx = _open(args)
    try:
        form = VisitForm(kind=kind, credential_type=ctype,
                         values={field: getattr(args, opt) for opt, field in TEXT_OPTIONS.items()},
                         time_in=_time_in(ctx, args.time_in), party_size=str(args.party_size))
        try:
            visit = ctx.register.add(form, by=args.guard or "cli")
        except FormInvalid as exc:
            option = {f: "--" + o.replace("_", "-") for o, f in TEXT_OPTIONS.items()}
            option |= {"time_in": "--time-in", "party_size": "--party-size",
                       "credential_type": "--credential-type"}
            errs = "; ".join(f"{option.get(k, k)}: {_explain(v, kind)}"
                             for k, v in exc.check.errors.items())
            raise CliError(t("cli.visit.not_saved", errors=errs), "invalid") from None
        _emit(args, visit_json(ctx, visit), t("cli.visit.logged", id=visit.id))
    finally:
        ctx.close()
    return 0


def run_out(args: argparse.Namespace) -> int:
    """Sign an entry out now (twice keeps the first time); a unique start of its id will do."""
    from frontdesk.cli.main import CliError
    from frontdesk.i18n import t

    ctx = _open(args)
    try:
        try:
            visit = ctx.register.sign_out(ctx.register.resolve_id(args.id), by="cli")
        except KeyError:
            raise CliError(t("cli.visit.no_id", id=args.id), "not_found") from None
        except LookupError as exc:
            raise CliError(t("cli.visit.ambiguous", id=args.id, some=str(exc)),
                           "ambiguous") from None
        _emit(args, visit_json(ctx, visit), t("cli.visit.signed_out", id=visit.id,
                                               at=visit_json(ctx, visit)["time_out"]))
    finally:
        ctx.close()
    return 0


def run_list(args: argparse.Namespace) -> int:
    """A site day's entries (newest first) as a table or a JSON array."""
    from frontdesk.cli.main import CliError
    from frontdesk.services.export import ExportInputError, export_service, parse_day

    ctx = _open(args)
    try:
        if args.date:
            try:
                day = parse_day(args.date, "--date")
                start, end = export_service(ctx).bounds(day, day)
            except ExportInputError as exc:
                raise CliError(str(exc), "bad_date") from None
            visits = ctx.register.between(start, end)
            if args.on_site:
                visits = [v for v in visits if v.time_out is None]
        else:
            visits = ctx.register.today(on_site_only=args.on_site)
        rows = [visit_json(ctx, v) for v in visits]
        if getattr(args, "json", False):
            _emit(args, rows, "")
        else:
            from rich.cells import cell_len

            from frontdesk.domain.durations import span
            from frontdesk.i18n import language, t
            from frontdesk.text import one_line

            now, lang = ctx.clock.now(), language()
            mark = t("cli.visit.conflict_mark")
            # One line per entry whatever the data holds: a newline in a name (an import, a
            # bundle) must not forge a line another script would read as an entry.
            for v, r in zip(visits, rows, strict=True):
                out = (r["time_out"][11:16] if r["time_out"]
                       else t("reg.on_site_for", d=span(now - v.time_in, lang)))
                out += " " * max(15 - cell_len(out), 0)  # Chinese takes two cells each
                sys.stdout.write(f"{one_line(r['id'])}  {r['time_in'][:16]}  {out} "
                                 f"{one_line(r['kind']):18} {one_line(r['name'])}  "
                                 f"{one_line(r['organisation'])}"
                                 + (f"  {mark}" if r["conflict"] else "") + "\n")
            conflicts = sum(1 for r in rows if r["conflict"])
            sys.stdout.write(t("cli.visit.count", n=len(rows)) + (
                t("cli.visit.in_conflict", n=conflicts) if conflicts else "") + "\n")
    finally:
        ctx.close()
    return 0
