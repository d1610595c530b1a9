"""Scripted replies: the shipped file, the site file's validation, rendering and saving."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from frontdesk.domain.scripts.book import (
    Line,
    ScriptBook,
    ScriptError,
    ScriptFileError,
    Situation,
    apply_site_text,
    default_placeholder,
    load_shipped,
    load_with_site,
    read_site_data,
    render,
    render_situation,
    save_site_overrides,
    site_file_text,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "scripts.json"

# The seeds' own sentences (seeds/000), copied character for character.
SEED_MEDIA_AT_GATE = (
    "我们公司有负责新闻媒体对接的专职人员,请您留下您的单位名称和联系电话,"
    "我们会在第一时间与您联系,谢谢!"
)
SEED_STRANGER = "本小区为私人住宅,未得到业主许可请勿入内"
SEED_FILMING = "女士/先生,抱歉!您有任何问题可以到物业服务中心询问,我可以引领您前去。"
SEED_INTERVIEW = (
    "公司有媒体接待制度,及相关媒体发言人,由他们来回答您的问题更合适",
    "请您留下联系方式和希望了解的事项,我会转告,他们会联系您",
)
SEED_MEETING_ROOM = (
    "我们欢迎业主和媒体的监督",
    "对业主的诉求、媒体采访监督,我们非常欢迎",
    "我们已经第一时间联系公司领导,请稍后",
    "您有任何需求,我们是否可以先记录下来",
)
# Incident kinds named in DOMAIN.md ("Incidents and their clocks").
INCIDENT_KINDS = {
    "media_at_gate", "public_opinion", "fire", "power_cut", "water_cut", "flooding",
    "lift_entrapment", "fight", "theft", "suspicious_person", "disturbed_person",
    "medical_emergency", "lost_child", "public_health", "natural_disaster", "phone_surge",
    "vip_visit",
}
REGISTER_KINDS = {
    "journalist", "visitor", "vip", "contractor", "suspicious_person", "suspicious_vehicle",
    "media_call", "filming",
}


@pytest.fixture(scope="module")
def shipped() -> ScriptBook:
    return load_shipped(SHIPPED)


def write_site(tmp_path: Path, data: Any, name: str = "site_scripts.json") -> Path:
    """Write a site file (a dict is dumped with indent=2, a string is written as is)."""
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    """1-based line of the nth occurrence of ``needle`` in the file."""
    hits = [i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if needle in ln]
    return hits[nth]


def only_error(book: ScriptBook) -> ScriptError:
    assert len(book.errors) == 1, book.errors
    return book.errors[0]


# --- the shipped file -----------------------------------------------------------------------

def test_shipped_file_is_valid_and_format_1(shipped: ScriptBook) -> None:
    assert json.loads(SHIPPED.read_text(encoding="utf-8"))["format"] == 1
    assert shipped.errors == ()
    assert all(s.source == "shipped" for s in shipped.situations)


def test_digit_keys_1_to_9_each_assigned_exactly_once() -> None:
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))["situations"]
    keys = [s["key"] for s in raw if s["key"] is not None]
    assert sorted(keys) == [str(d) for d in range(1, 10)]


def test_every_line_has_both_languages_in_the_raw_file() -> None:
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for s in raw["situations"]:
        assert s["lines"], s["id"]
        for ln in [*s["lines"], s["title"], s["when"], s["next"]]:
            assert set(ln) == {"zh", "en"}, s["id"]
            assert ln["zh"].strip() and ln["en"].strip(), s["id"]
        assert s["seed"], s["id"]


def test_journalist_stranger_filming_use_the_seeds_exact_sentences(shipped: ScriptBook) -> None:
    def zh(sid: str) -> list[str]:
        sit = shipped.by_id(sid)
        assert sit is not None, sid
        return [ln.zh for ln in sit.lines]

    assert any(SEED_MEDIA_AT_GATE in t for t in zh("media_at_gate"))
    assert any(SEED_STRANGER in t for t in zh("stranger_no_entry"))
    assert any(SEED_FILMING in t for t in zh("filming"))
    for sentence in SEED_INTERVIEW:
        assert any(sentence in t for t in zh("journalist_interview"))
    room = zh("journalist_meeting_room")
    assert len(room) == 4
    for sentence, text in zip(SEED_MEETING_ROOM, room, strict=True):
        assert sentence in text


def test_all_required_situations_ship_with_their_kinds(shipped: ScriptBook) -> None:
    expected = {
        "media_at_gate": ("media_at_gate", "journalist"),
        "journalist_interview": ("media_at_gate", "journalist"),
        "stranger_no_entry": (None, "visitor"),
        "journalist_meeting_room": ("media_at_gate", "journalist"),
        "filming": ("media_at_gate", "filming"),
        "media_phone_call": ("media_at_gate", "media_call"),
        "suspicious_person": ("suspicious_person", "suspicious_person"),
        "salesperson": (None, "suspicious_person"),
        "lift_entrapment": ("lift_entrapment", None),
        "lift_after_rescue": ("lift_entrapment", None),
        "flooding_notice": ("flooding", None),
        "report_to_superior": (None, None),
        "public_opinion_holding": ("public_opinion", None),
        "phone_surge_holding": ("phone_surge", None),
        "power_cut_notice": ("power_cut", None),
        "water_cut_notice": ("water_cut", None),
    }
    for sid, (incident, register) in expected.items():
        sit = shipped.by_id(sid)
        assert sit is not None, sid
        assert (sit.incident_kind, sit.register_kind) == (incident, register), sid
    for sit in shipped.situations:
        assert sit.incident_kind is None or sit.incident_kind in INCIDENT_KINDS, sit.id
        assert sit.register_kind is None or sit.register_kind in REGISTER_KINDS, sit.id


def test_salesperson_next_step_forbids_detaining_and_fining(shipped: ScriptBook) -> None:
    sit = shipped.by_id("salesperson")
    assert sit is not None
    assert "证件号码登记" in sit.next.zh and "放走" in sit.next.zh
    assert "私自罚款" in sit.next.zh and "不许扣留" in sit.next.zh
    assert "detain" in sit.next.en and "fine" in sit.next.en


def test_variables_declared_with_null_defaults(shipped: ScriptBook) -> None:
    for name in ("gm_office_phone", "meeting_room", "service_centre", "site_name"):
        assert name in shipped.declared
        assert shipped.declared[name].scope == "site"
        assert shipped.declared[name].description.zh and shipped.declared[name].description.en
        assert shipped.variables[name] is None
    for name in ("incident_kind", "place", "occurred_at", "summary"):
        assert shipped.declared[name].scope == "call"


def test_media_call_and_report_use_variables(shipped: ScriptBook) -> None:
    call = shipped.by_id("media_phone_call")
    report = shipped.by_id("report_to_superior")
    assert call is not None and report is not None
    assert any("{gm_office_phone}" in ln.zh and "{gm_office_phone}" in ln.en for ln in call.lines)
    text = " ".join(ln.zh for ln in report.lines)
    for name in ("incident_kind", "place", "occurred_at", "summary"):
        assert "{" + name + "}" in text


def test_lookups_and_order(shipped: ScriptBook) -> None:
    first = shipped.by_key("1")
    assert first is not None and first.id == "media_at_gate"
    assert shipped.by_key("0") is None and shipped.by_id("nope") is None
    ordered = shipped.ordered()
    assert [s.key for s in ordered[:9]] == [str(d) for d in range(1, 10)]
    assert all(s.key is None for s in ordered[9:])
    assert {s.id for s in ordered} == {s.id for s in shipped.situations}


def test_broken_shipped_file_raises(tmp_path: Path) -> None:
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))
    del raw["situations"][2]["lines"][0]["en"]
    path = write_site(tmp_path, raw, "scripts.json")
    with pytest.raises(ScriptFileError) as info:
        load_shipped(path)
    assert str(info.value.errors[0]) == (
        f'scripts.json:{line_of(path, SEED_STRANGER) - 1}: situations[2].lines[0].en: '
        'missing language "en"'
    )
    with pytest.raises(ScriptFileError):
        load_shipped(write_site(tmp_path, "{", "broken.json"))


# --- rendering ------------------------------------------------------------------------------

def test_render_substitutes_and_shows_placeholders() -> None:
    values = {"gm_office_phone": "0755-1234 5678", "site_name": None, "meeting_room": ""}
    assert render("请拨{gm_office_phone}", values) == "请拨0755-1234 5678"
    assert render("{site_name}", values) == "〔site_name?〕"
    assert render("{meeting_room}", values) == default_placeholder("meeting_room")
    assert render("{foo}!", values) == "〔foo?〕!"
    assert "[" not in default_placeholder("x") and "]" not in default_placeholder("x")


def test_render_extra_overrides_site_values_and_custom_placeholder() -> None:
    values = {"place": "大门", "summary": None}
    extra = {"place": "3栋", "summary": "水浸"}
    assert render("{place}/{summary}", values, extra=extra) == "3栋/水浸"
    assert render("{summary}", values, placeholder=lambda n: f"<{n}>") == "<summary>"


def test_render_never_raises_on_stray_braces() -> None:
    values = {"x": "{y}", "y": "no"}
    for text in ("{", "}", "a { b", "{}", "{1}", "{not valid}", "{{x}}", "{x"):
        assert isinstance(render(text, values), str)
    assert render("a { b", values) == "a { b"
    assert render("{x}", values) == "{y}"  # a value is not expanded again
    assert render("{{x}}", values) == "{{y}}"


def test_render_situation_in_both_languages(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"variables": {"gm_office_phone": "0755-8888"}})
    book = load_with_site(SHIPPED, site)
    call = book.by_id("media_phone_call")
    assert call is not None
    assert any("0755-8888" in t for t in render_situation(call, "zh", book))
    assert any("0755-8888" in t for t in render_situation(call, "en", book))
    report = book.by_id("report_to_superior")
    assert report is not None
    lines = render_situation(report, "zh", book, {"place": "3栋大堂", "occurred_at": "14:02"})
    assert "发生时间:14:02,地点:3栋大堂。" in lines
    assert any("〔summary?〕" in t for t in lines)


def test_script_error_str() -> None:
    err = ScriptError("/x/site_scripts.json", 12, "situations[3].lines[0].en",
                      'missing language "en"')
    assert str(err) == 'site_scripts.json:12: situations[3].lines[0].en: missing language "en"'
    assert str(ScriptError("a.json", None, None, "cannot read")) == "a.json: cannot read"


# --- the site file --------------------------------------------------------------------------

NEW_SITUATION = {
    "id": "courier_at_gate",
    "key": None,
    "title": {"zh": "快递员", "en": "Courier"},
    "lines": [{"zh": "请把快递放在{service_centre}。",
               "en": "Please leave it at {service_centre}."}],
    "when": {"zh": "快递员要进小区时。", "en": "A courier wants to come in."},
    "next": {"zh": "登记。", "en": "Register."},
    "register_kind": "visitor",
}


def test_no_site_file_gives_the_shipped_book(tmp_path: Path, shipped: ScriptBook) -> None:
    assert load_with_site(SHIPPED, None) == shipped
    assert load_with_site(SHIPPED, tmp_path / "absent.json") == shipped


def test_site_adds_a_situation_without_code_change(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"format": 1, "situations": [NEW_SITUATION],
                                 "variables": {"service_centre": "1号楼大堂"}})
    book = load_with_site(SHIPPED, site)
    assert book.errors == ()
    sit = book.by_id("courier_at_gate")
    assert sit is not None and sit.source == "site" and sit.register_kind == "visitor"
    assert render_situation(sit, "zh", book) == ("请把快递放在1号楼大堂。",)
    assert book.ordered()[-1] is sit


def test_site_overrides_fields_by_id_and_sets_variables(tmp_path: Path,
                                                        shipped: ScriptBook) -> None:
    site = write_site(tmp_path, {
        "variables": {"gm_office_phone": "0755-1234 5678", "meeting_room": "二楼洽谈室"},
        "situations": [{"id": "lost_child", "key": "1"},
                       {"id": "media_at_gate", "lines": [{"zh": "甲", "en": "A"}], "key": None}],
    })
    book = load_with_site(SHIPPED, site)
    assert book.errors == ()
    assert book.variables["gm_office_phone"] == "0755-1234 5678"
    assert book.variables["site_name"] is None
    gate = book.by_id("media_at_gate")
    before = shipped.by_id("media_at_gate")
    assert gate is not None and before is not None
    assert gate.lines == (Line("甲", "A"),) and gate.key is None and gate.source == "site"
    assert (gate.title, gate.when, gate.next) == (before.title, before.when, before.next)
    child = book.by_key("1")
    assert child is not None and child.id == "lost_child"
    assert [s.id for s in book.situations] == [s.id for s in shipped.situations]


def test_bad_json_names_the_line(tmp_path: Path, shipped: ScriptBook) -> None:
    text = '{\n  "variables": {\n    "gm_office_phone": "0755"\n    "site_name": "x"\n  }\n}\n'
    site = write_site(tmp_path, text)
    book = load_with_site(SHIPPED, site)
    err = only_error(book)
    assert err.line == 4 and err.path == str(site) and err.field is None
    assert str(err).startswith("site_scripts.json:4: not valid JSON")
    assert book.situations == shipped.situations and book.variables == shipped.variables


def test_unknown_field_names_field_and_line(tmp_path: Path, shipped: ScriptBook) -> None:
    data = {"situations": [NEW_SITUATION, {"id": "filming", "colour": "red"}]}
    site = write_site(tmp_path, data)
    book = load_with_site(SHIPPED, site)
    err = only_error(book)
    assert err.field == "situations[1].colour"
    assert err.line == line_of(site, '"colour"')
    assert book.by_id("courier_at_gate") is None  # nothing of a broken file is applied
    assert book.situations == shipped.situations


def test_unknown_top_level_and_line_fields(tmp_path: Path) -> None:
    bad_line = {**NEW_SITUATION, "title": {"zh": "快递员", "en": "Courier", "fr": "Coursier"}}
    site = write_site(tmp_path, {"situationz": [], "situations": [bad_line]})
    fields = {e.field for e in load_with_site(SHIPPED, site).errors}
    assert fields == {"situationz", "situations[0].title.fr"}


def test_missing_language(tmp_path: Path) -> None:
    lines = [{"zh": "好"}, {"zh": "坏", "en": "bad"}]
    site = write_site(tmp_path, {"situations": [{"id": "filming", "lines": lines}]})
    err = only_error(load_with_site(SHIPPED, site))
    assert err.field == "situations[0].lines[0].en"
    assert err.message == 'missing language "en"'
    assert err.line == line_of(site, '"zh": "好"') - 1  # the line object's opening brace
    assert str(err) == (
        f'site_scripts.json:{err.line}: situations[0].lines[0].en: missing language "en"'
    )


def test_empty_language_text_is_an_error(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"situations": [{"id": "filming", "when": {"zh": " ", "en": "x"}}]})
    err = only_error(load_with_site(SHIPPED, site))
    assert err.field == "situations[0].when.zh"


def test_duplicate_digit_key(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"situations": [{**NEW_SITUATION, "key": "1"}]})
    err = only_error(load_with_site(SHIPPED, site))
    assert err.field == "situations[0].key"
    assert err.line == line_of(site, '"key": "1"')
    assert "media_at_gate" in err.message and "courier_at_gate" in err.message


def test_duplicate_id_in_site_file(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"situations": [NEW_SITUATION, NEW_SITUATION]})
    err = only_error(load_with_site(SHIPPED, site))
    assert err.field == "situations[1].id"
    assert err.line == line_of(site, '"id": "courier_at_gate"', nth=1)


def test_duplicate_json_field(tmp_path: Path) -> None:
    text = '{\n  "variables": {\n    "site_name": "A",\n    "site_name": "B"\n  }\n}\n'
    err = only_error(load_with_site(SHIPPED, write_site(tmp_path, text)))
    assert (err.field, err.line) == ("variables.site_name", 4)


def test_unknown_variable_in_a_line(tmp_path: Path) -> None:
    lines = [{"zh": "请拨{duty_phone}", "en": "Call {gm_office_phone}"}]
    site = write_site(tmp_path, {"situations": [{"id": "filming", "lines": lines}]})
    err = only_error(load_with_site(SHIPPED, site))
    assert err.field == "situations[0].lines[0].zh"
    assert err.message == 'unknown variable "duty_phone"'
    assert err.line == line_of(site, "{duty_phone}")


def test_literal_braces_in_a_site_line_are_accepted(tmp_path: Path) -> None:
    lines = [{"zh": "符号 { 和 } 以及 {1} 不是变量", "en": "a { b } c"}]
    site = write_site(tmp_path, {"situations": [{"id": "filming", "lines": lines}]})
    book = load_with_site(SHIPPED, site)
    assert book.errors == ()
    sit = book.by_id("filming")
    assert sit is not None
    assert render_situation(sit, "en", book) == ("a { b } c",)


def test_site_variables_must_be_declared_site_variables(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"variables": {"duty_phone": "1", "place": "x",
                                               "site_name": 5}})
    errors = load_with_site(SHIPPED, site).errors
    assert {e.field for e in errors} == {"variables.duty_phone", "variables.place",
                                         "variables.site_name"}


@pytest.mark.parametrize("key", ["0", "10", 1, ["1"], {"a": 1}])
def test_bad_key_values(tmp_path: Path, key: object) -> None:
    site = write_site(tmp_path, {"situations": [{"id": "filming", "key": key}]})
    err = only_error(load_with_site(SHIPPED, site))
    assert err.field == "situations[0].key"


@pytest.mark.parametrize("data, field", [
    ([], None),
    ({"situations": {}}, "situations"),
    ({"situations": ["x"]}, "situations[0]"),
    ({"situations": [{"key": "1"}]}, "situations[0].id"),
    ({"situations": [{"id": ["a"]}]}, "situations[0].id"),
    ({"situations": [{"id": "Bad Id", "title": {"zh": "a", "en": "b"},
                      "lines": [{"zh": "a", "en": "b"}]}]}, "situations[0].id"),
    ({"situations": [{"id": "new_one", "title": {"zh": "a", "en": "b"}}]},
     "situations[0].lines"),
    ({"situations": [{"id": "filming", "lines": []}]}, "situations[0].lines"),
    ({"situations": [{"id": "filming", "title": "x"}]}, "situations[0].title"),
    ({"situations": [{"id": "filming", "incident_kind": "Not Snake"}]},
     "situations[0].incident_kind"),
    ({"format": 2}, "format"),
    ({"variables": []}, "variables"),
])
def test_other_mistakes_are_reported_not_raised(tmp_path: Path, data: Any,
                                                field: str | None) -> None:
    book = load_with_site(SHIPPED, write_site(tmp_path, data))
    assert field in {e.field for e in book.errors}
    assert all(e.line is not None for e in book.errors)


def test_all_mistakes_reported_at_once(tmp_path: Path) -> None:
    data = {"situations": [{"id": "filming", "colour": 1, "lines": [{"zh": "{nope}"}]}]}
    errors = load_with_site(SHIPPED, write_site(tmp_path, data)).errors
    assert len(errors) == 3


def test_site_file_with_bom_and_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"variables": {"site_name": "A"}}).encode())
    assert load_with_site(SHIPPED, path).variables["site_name"] == "A"
    bad = tmp_path / "latin.json"
    bad.write_bytes(b'{"variables": {"site_name": "\xe9"}}')
    err = only_error(load_with_site(SHIPPED, bad))
    assert "cannot read" in err.message


# --- saving the site file -------------------------------------------------------------------

def test_site_file_text_merges_one_situation(shipped: ScriptBook) -> None:
    current: dict[str, Any] = {"format": 1, "situations": [{"id": "filming", "key": None}]}
    text = site_file_text(current, "filming", {"lines": (Line("新", "new"),), "key": "4"},
                          variables={"site_name": "翠园"})
    assert current == {"format": 1, "situations": [{"id": "filming", "key": None}]}
    data = json.loads(text)
    assert data["situations"] == [
        {"id": "filming", "key": "4", "lines": [{"zh": "新", "en": "new"}]}]
    assert data["variables"] == {"site_name": "翠园"}
    assert "翠园" in text  # readable Chinese, not \\u escapes
    book = apply_site_text(shipped, text, "site.json")
    assert book.errors == ()
    added = json.loads(site_file_text(data, "courier_at_gate", {"title": Line("a", "b")}))
    assert added["situations"][-1] == {"id": "courier_at_gate", "title": {"zh": "a", "en": "b"}}


def test_site_file_text_updates_in_place_and_removes_entries() -> None:
    current: dict[str, Any] = {"situations": [{"id": "filming", "key": None},
                                              {"id": "lost_child", "key": "4"}]}
    updated = json.loads(site_file_text(current, "filming", {"seed": "x"}))
    assert updated["situations"][0] == {"id": "filming", "key": None, "seed": "x"}
    assert updated["format"] == 1
    removed = json.loads(site_file_text(updated, "filming", None))
    assert removed["situations"] == [{"id": "lost_child", "key": "4"}]
    assert json.loads(site_file_text(removed, "nope", None)) == removed


def test_save_site_overrides_writes_atomically(tmp_path: Path, shipped: ScriptBook) -> None:
    site = tmp_path / "conf" / "site_scripts.json"
    data = read_site_data(site)
    assert data == {"format": 1, "variables": {}, "situations": []}
    text = site_file_text(data, "media_at_gate", {"when": Line("何时", "when")},
                          variables={"gm_office_phone": "0755-1"})
    book = save_site_overrides(site, text, shipped)
    assert site.read_text(encoding="utf-8") == text
    assert os.listdir(site.parent) == ["site_scripts.json"]
    gate = book.by_id("media_at_gate")
    assert gate is not None and gate.when == Line("何时", "when")
    assert load_with_site(SHIPPED, site) == book
    assert read_site_data(site)["variables"] == {"gm_office_phone": "0755-1"}


def test_save_refuses_invalid_text_and_keeps_the_old_file(tmp_path: Path,
                                                          shipped: ScriptBook) -> None:
    site = write_site(tmp_path, {"variables": {"site_name": "A"}})
    before = site.read_text(encoding="utf-8")
    text = site_file_text(read_site_data(site), "lost_child", {"key": "1"})
    with pytest.raises(ScriptFileError) as info:
        save_site_overrides(site, text, shipped)
    assert info.value.errors[0].field == "situations[0].key"
    assert site.read_text(encoding="utf-8") == before
    assert os.listdir(tmp_path) == ["site_scripts.json"]


def test_read_site_data_raises_on_a_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ScriptFileError):
        read_site_data(write_site(tmp_path, "{ nope"))
    with pytest.raises(ScriptFileError):
        read_site_data(write_site(tmp_path, "[]", "list.json"))


# --- purity ---------------------------------------------------------------------------------

def test_module_is_pure_stdlib() -> None:
    code = ("import sys, frontdesk.domain.scripts.book; "
            "sys.stdout.write(repr(sorted(m for m in ('textual', 'sqlite3', 'sqlmodel', 'rich') "
            "if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


def test_situation_is_frozen(shipped: ScriptBook) -> None:
    sit = shipped.situations[0]
    assert isinstance(sit, Situation)
    with pytest.raises(AttributeError):
        sit.key = "5"  # type: ignore[misc]
