"""Keys a guard presses at the gate, counted on the real app in a real terminal (tmux).

Run:  python bench/bench_gate_keys.py [--lang zh en] [--size 80x24] [--json] [--keep]

For each language: a fresh ``FRONTDESK_HOME`` and a database filled by ``frontdesk demo``
(which also makes the demo users), the real ``frontdesk`` command started in a detached tmux
session of the given size, signed in as 王保安 (not counted), then five jobs typed one key per
``tmux send-keys`` call, as a person types:

1. a returning visitor: Ctrl+N, Enter to the name, two letters of the pinyin initials, F4 fills
   (kind included), Ctrl+S;
2. a new journalist with a press card: Ctrl+N, ↑ (journalist; the press card follows), name,
   outlet, phone, the card's number, each field left with Enter, Ctrl+S;
3. signing that journalist out: Ctrl+O (the entry just saved is the selected one);
4. a script: Alt+1 (read, then Esc back: not counted, as before);
5. a suspicious person with a location and a note: Ctrl+N, ↓↓↓ (suspicious person), Enter
   through the fields to the location, the location, Enter to the notes, the note, Ctrl+S.

"Keys" are the non-text keys (Ctrl+N, Enter, ↑, F4, Ctrl+S...); "chars" the characters typed as
text (a Chinese character counts as one: the input method's own keys are not counted). Each
job is checked in the database afterwards (kind, name, outlet, press card, location, note,
time out, the reading) and the screen is read back from tmux: a job that did not happen fails
the run. Today's counts to keep or beat: 4, 14, 1, 1, 22 (issue 17).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOALS = {"returning_visitor": 4, "new_journalist": 14, "sign_out": 1, "script": 1,
         "suspicious_person": 22}
TYPE_GAP = 0.04  # seconds between keys: a quick typist
ESC_GAP = 0.25  # after Esc: a terminal cannot tell Esc then a key from Alt+key if they touch
SESSION = "fd-bench-gate"


@dataclass
class Job:
    """One job's counts and whether it did what it should."""

    name: str
    keys: int = 0
    chars: int = 0
    seconds: float = 0.0
    ok: bool = False
    detail: str = ""
    pressed: list[str] = field(default_factory=list)


class Terminal:
    """The app in a detached tmux session; keys in, screen text out."""

    def __init__(self, command: str, size: str, env: dict[str, str]) -> None:
        width, height = size.split("x")
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", width, "-y", height,
                        f"cd {ROOT} && env {exports} {command}"], check=True)
        self.job: Job | None = None

    def screen(self) -> str:
        """What the terminal shows now."""
        return subprocess.run(["tmux", "capture-pane", "-t", SESSION, "-p"], capture_output=True,
                              text=True).stdout

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """Wait until the screen shows one of ``texts``; return the screen."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if any(t in shown for t in texts):
                return shown
            time.sleep(0.1)
        raise TimeoutError(f"never saw {texts!r}; screen:\n{self.screen()}")

    def key(self, name: str, counted: bool = True) -> None:
        """Press one key (a tmux key name: C-n, Enter, Up, M-1, F4, Escape)."""
        subprocess.run(["tmux", "send-keys", "-t", SESSION, name], check=True)
        if self.job is not None and counted:
            self.job.keys += 1
            self.job.pressed.append(name)
        time.sleep(ESC_GAP if name == "Escape" else TYPE_GAP)

    def text(self, text: str) -> None:
        """Type ``text`` one character per call."""
        for ch in text:
            subprocess.run(["tmux", "send-keys", "-t", SESSION, "-l", ch], check=True)
            if self.job is not None:
                self.job.chars += 1
            time.sleep(TYPE_GAP)

    def close(self) -> None:
        """End the session."""
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def _ctx(db: Path):  # type: ignore[no-untyped-def]
    from frontdesk.context import AppContext

    ctx = AppContext.create(str(db))
    ctx.open()
    return ctx


def returning_person(db: Path) -> tuple[str, str]:
    """A signed-out visitor whose two pinyin initials bring them first: (name, two letters)."""
    from frontdesk.domain.register.search import pinyin_keys
    from frontdesk.domain.register.visits import VisitKind

    ctx = _ctx(db)
    try:
        site = ctx.require_site()
        start, _ = site.day_bounds(ctx.clock.now(), 2)
        people = [v for v in ctx.register.between(start, ctx.clock.now())
                  if v.time_out is not None and v.name and v.kind is VisitKind.VISITOR]
        for v in people:
            letters = pinyin_keys(v.name)[1][:2]
            found = ctx.register.suggestions(letters)
            on_site = {x.name for x in ctx.register.today(on_site_only=True)}
            if found and found[0].name == v.name and v.name not in on_site:
                return v.name, letters
    finally:
        ctx.close()
    raise RuntimeError("no returning visitor in the demo data")


def run_language(lang: str, size: str, keep: bool) -> list[Job]:
    """All five jobs in ``lang``; every job checked in the database."""
    home = Path(tempfile.mkdtemp(prefix=f"fd-gate-{lang}-"))
    db = home / "demo.db"
    env = {"FRONTDESK_HOME": str(home), "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    exe = Path(sys.executable).parent / "frontdesk"
    subprocess.run([str(exe), "demo", "--db", str(db)], check=True, capture_output=True,
                   env={**os.environ, **env})
    name, letters = returning_person(db)
    term = Terminal(f"{exe} --db {db} --lang {lang}", size, env)
    jobs: list[Job] = []
    try:
        term.wait_for("请登录", "Sign in")
        term.text("王保安")
        term.key("Enter", counted=False)
        term.text("482915")
        term.key("Enter", counted=False)
        term.wait_for("王保安 (保安)", "王保安 (guard)")
        time.sleep(1.0)

        def job(jname: str) -> Job:
            j = Job(jname)
            term.job = j
            jobs.append(j)
            return j

        # 1. a returning visitor
        j = job("returning_visitor")
        t0 = time.monotonic()
        term.key("C-n")
        term.key("Enter")
        term.text(letters)
        time.sleep(0.8)  # the guard looks at what is offered
        term.key("F4")
        term.key("C-s")
        term.wait_for(f"已登记：{name}", f"Logged: {name}")
        j.seconds = time.monotonic() - t0
        term.job = None

        # 2. a new journalist with a press card
        j = job("new_journalist")
        t0 = time.monotonic()
        term.key("C-n")
        term.key("Up")
        term.key("Enter")
        term.text("郑记者")
        term.key("Enter")
        term.text("南方都市报")
        term.key("Enter")
        term.text("13812345678")
        term.key("Enter")
        term.key("Enter")  # the credential: a press card already, for a journalist
        term.text("B440100000077")
        term.key("C-s")
        term.wait_for("已登记：郑记者", "Logged: 郑记者")
        j.seconds = time.monotonic() - t0
        term.job = None

        # 3. signing the journalist out (the entry just saved is selected)
        j = job("sign_out")
        t0 = time.monotonic()
        term.key("C-o")
        term.wait_for("已签离：郑记者", "Signed out: 郑记者")
        j.seconds = time.monotonic() - t0
        term.job = None

        # 4. a script
        j = job("script")
        t0 = time.monotonic()
        term.key("M-1")
        term.wait_for("[1] ")  # the card's title: key and name
        j.seconds = time.monotonic() - t0
        time.sleep(3.6)  # read aloud: a card up 3 s counts as read
        term.job = None
        term.key("Escape", counted=False)

        # 5. a suspicious person with a location and a note
        j = job("suspicious_person")
        t0 = time.monotonic()
        term.key("C-n")
        for _ in range(3):
            term.key("Down")
        for _ in range(12):  # kind, name ... notified: Enter to the location
            term.key("Enter")
        term.text("对街")
        for _ in range(3):  # time in, time out: Enter to the notes
            term.key("Enter")
        term.text("戴帽子，举手机拍摄")
        term.key("C-s")
        term.wait_for("已登记：（未留名）", "Logged: (no name)")
        j.seconds = time.monotonic() - t0
        term.job = None
        time.sleep(1.0)
    finally:
        term.close()
    check(db, jobs, name)
    if not keep:
        shutil.rmtree(home, ignore_errors=True)
    return jobs


def check(db: Path, jobs: list[Job], returning: str) -> None:
    """Each job's result, read back from the database."""
    from frontdesk.domain.register.visits import CredentialType, VisitKind
    from frontdesk.services.scripts import scripts

    ctx = _ctx(db)
    try:
        today = ctx.register.today()
        by = {j.name: j for j in jobs}
        back = [v for v in today if v.name == returning and v.time_out is None]
        by["returning_visitor"].ok = bool(back) and back[0].kind is VisitKind.VISITOR
        by["returning_visitor"].detail = (f"{returning} again, {back[0].kind.value}" if back
                                          else "missing")
        press = [v for v in today if v.name == "郑记者"]
        by["new_journalist"].ok = bool(press) and press[0].kind is VisitKind.JOURNALIST and (
            press[0].credential_type is CredentialType.PRESS_CARD
            and press[0].credential_number == "B440100000077"
            and press[0].organisation == "南方都市报" and press[0].phone == "+8613812345678")
        by["new_journalist"].detail = ("journalist, outlet, phone, press card"
                                       if by["new_journalist"].ok else repr(press))
        by["sign_out"].ok = bool(press) and press[0].time_out is not None
        by["sign_out"].detail = "time out set" if by["sign_out"].ok else "still on site"
        start, end = ctx.require_site().day_bounds(ctx.clock.now())
        uses = [u for u in scripts(ctx).uses_between(start, end)
                if u.situation_id == "media_at_gate"]
        by["script"].ok = len(uses) == 1
        by["script"].detail = f"{len(uses)} reading recorded"
        sus = [v for v in today if v.kind is VisitKind.SUSPICIOUS_PERSON and v.location == "对街"]
        by["suspicious_person"].ok = bool(sus) and sus[0].notes == "戴帽子，举手机拍摄"
        by["suspicious_person"].detail = ("location and note" if by["suspicious_person"].ok
                                          else repr(sus))
    finally:
        ctx.close()


def main() -> int:
    """Run, print a table (or JSON); exit 1 if a job failed or a count is worse than before."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", nargs="+", default=["zh", "en"])
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.stderr.write("tmux is needed\n")
        return 2
    results = {lang: run_language(lang, args.size, args.keep) for lang in args.lang}
    bad = [(lang, j.name) for lang, jobs in results.items() for j in jobs
           if not j.ok or j.keys > GOALS[j.name]]
    if args.json:
        sys.stdout.write(json.dumps({lang: [asdict(j) for j in jobs]
                                     for lang, jobs in results.items()},
                                    ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(f"{'lang':5} {'job':20} {'keys':>5} {'goal':>5} {'chars':>6} "
                         f"{'seconds':>8}  ok  checked\n")
        for lang, jobs in results.items():
            for j in jobs:
                sys.stdout.write(f"{lang:5} {j.name:20} {j.keys:5} {GOALS[j.name]:5} "
                                 f"{j.chars:6} {j.seconds:8.1f}  {'yes' if j.ok else 'NO':3} "
                                 f"{j.detail}\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
