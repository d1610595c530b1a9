"""The layering holds: the domain loads no UI and no storage; the app's first frame no database."""
from __future__ import annotations

import subprocess
import sys


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_domain_imports_no_ui_and_no_storage() -> None:
    mods = loaded_after(
        "import frontdesk.domain.register.visits, frontdesk.domain.register.validation, frontdesk.domain.register.search,"
        " frontdesk.domain.sync.versioning, frontdesk.domain.sitetime, frontdesk.domain.site,"
        " frontdesk.domain.durations, frontdesk.domain.clockstate,"
        " frontdesk.domain.incidents.deadlines,"
        " frontdesk.domain.watch.matcher, frontdesk.domain.watch.csv_import"
    )
    assert not any(m.startswith(("textual", "rich", "sqlite3", "frontdesk.storage")) for m in mods)


def test_site_time_loads_arrow_only_when_asked() -> None:
    """Importing the site-time module costs nothing; its first day bound loads arrow."""
    assert "arrow" not in loaded_after("import frontdesk.domain.sitetime")
    assert "arrow" in loaded_after(
        "import datetime as d, frontdesk.domain.sitetime as s;"
        " s.day_bounds(d.datetime.now(d.UTC), s.DEFAULT_TZ)")


def test_app_import_loads_no_storage_or_heavy_libraries() -> None:
    mods = loaded_after("import frontdesk.app, frontdesk.screens.register.register")
    heavy = ("sqlite3", "frontdesk.storage", "pypinyin", "phonenumbers", "openpyxl", "fpdf",
             "sqlalchemy", "sqlmodel", "arrow", "opencc", "frontdesk.domain.watch")
    assert not any(m.startswith(heavy) for m in mods), sorted(m for m in mods if m.startswith(heavy))


def test_watch_entries_load_without_the_matching_libraries() -> None:
    """Listing or storing watch entries must not pay for pinyin, OpenCC or phone tables: those
    load only when the entry form opens or the list is matched."""
    mods = loaded_after("import frontdesk.domain.watch.model")
    heavy = ("pypinyin", "opencc", "phonenumbers", "textual", "sqlite3", "frontdesk.storage")
    assert not any(m.startswith(heavy) for m in mods), sorted(m for m in mods if m.startswith(heavy))
    mods = loaded_after("import frontdesk.domain.watch.matcher")
    assert not any(m.startswith(("pypinyin", "opencc")) for m in mods)
