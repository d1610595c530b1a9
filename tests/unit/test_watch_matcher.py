"""Watch-list matching: every variant kind a guard types finds the person; common names,
partial input, last fours and expired entries do not alarm on their own."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from frontdesk.domain.watch.matcher import DEFAULT_THRESHOLD, WatchIndex, WatchQuery
from frontdesk.domain.watch.model import WatchEntry, id_fields

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
KEY = b"site-key-for-tests-0123456789abcdef"
ID_NUMBER = "11010519491231002X"


def _entry(entry_id: str, name: str, **kw: object) -> WatchEntry:
    return WatchEntry(id=entry_id, name=name, reason="反复闯入", added_by="sup", added_at=NOW,
                      **kw)  # type: ignore[arg-type]


ZHANG_WEI = _entry("zw", "张伟", phones=("+8613800138000",), plates=("粤B12345",),
                   orgs=("南方都市报",), id_last4="002X")
RARE = _entry("rare", "禤瀚文")
LONG = _entry("long", "张晓明", orgs=("深圳市华信科技有限公司",), id_last4="4321")
OUYANG = _entry("oy", "欧阳锋", orgs=("新京报",))
ZENG = _entry("zeng", "曾国华", orgs=("羊城晚报",))
HASHED = _entry("hashed", "李娜", **id_fields(ID_NUMBER, KEY))  # type: ignore[arg-type]
FOREIGN = _entry("foreign", "王芳", aliases=("Fang WANG", "小芳"), orgs=("ACME Co., Ltd.",))


@pytest.fixture(scope="module")
def index() -> WatchIndex:
    return WatchIndex([ZHANG_WEI, RARE, LONG, OUYANG, ZENG, HASHED, FOREIGN], TODAY, secret=KEY)


def ids(index: WatchIndex, **fields: str) -> list[str]:
    return [h.entry_id for h in index.match(WatchQuery(**fields))]


def codes(index: WatchIndex, **fields: str) -> dict[str, list[str]]:
    return {h.entry_id: [r.code for r in h.reasons] for h in index.match(WatchQuery(**fields))}


@pytest.mark.parametrize("typed", [
    "張偉",  # traditional
    "张 伟", "张\u3000伟", " 张  伟 ",  # spaces, the ideographic space
    "zhang wei", "zhangwei", "Zhang Wei", "zhāng wěi", "zhang1 wei3",  # pinyin, tones
    "ＺＨＡＮＧ　ＷＥＩ",  # full-width letters and space
    "ZHANG Wei", "Wei Zhang", "WEI ZHANG", "wei zhang",  # English order, any case
])
def test_a_common_name_in_any_form_with_the_outlet_alarms(index: WatchIndex, typed: str) -> None:
    assert ids(index, name=typed, organisation="南方都市报") == ["zw"]
    assert ids(index, name=typed) == []  # 张伟 alone is thousands of people


def test_initials_need_two_more_fields(index: WatchIndex) -> None:
    assert ids(index, name="zw", organisation="南方都市报") == []
    assert ids(index, name="ZW", organisation="南方都市报", id_number="002x") == ["zw"]
    assert codes(index, name="z w", organisation="南方都市报", id_number="002X")["zw"] == [
        "id_last4", "organisation", "name_initials"]


def test_phone_in_every_format_alarms_alone_on_the_whole_number_only(index: WatchIndex) -> None:
    for typed in ("138 0013 8000", "+86 13800138000", "13800138000", "0086 13800138000",
                  "8613800138000", "138-0013-8000", "１３８００１３８０００", "(+86) 138 0013 8000"):
        assert ids(index, phone=typed) == ["zw"], typed
    for partial in ("138", "1380013", "1380013800", "3800138000"):
        assert ids(index, phone=partial) == [], partial


def test_plate_in_every_format_alarms_alone(index: WatchIndex) -> None:
    for typed in ("粤b 12345", "粤B12345", "粤B·12345", "粵B-12345", "粤Ｂ１２３４５", " 粤 B 123 45 "):
        assert ids(index, plate=typed) == ["zw"], typed
    assert ids(index, plate="粤B1234") == []
    # Without the province it is one of ~31 plates: it needs the name too.
    assert ids(index, plate="B12345") == []
    assert ids(index, plate="b12345", name="张伟") == ["zw"]


def test_last_four_never_alarms_alone_but_does_with_the_name(index: WatchIndex) -> None:
    assert ids(index, id_number="002X") == []
    assert ids(index, id_number="002x", organisation="南方都市报") == []
    assert ids(index, name="张伟", id_number="002X") == ["zw"]
    assert codes(index, name="Wei Zhang", id_number="002X")["zw"] == ["id_last4", "name_pinyin"]
    assert ids(index, name="张伟", id_number="9999") == []


def test_a_whole_id_number_matches_its_keyed_hash_alone(index: WatchIndex) -> None:
    assert ids(index, id_number="110105 19491231 002x") == ["hashed"]
    other_key = WatchIndex([HASHED], TODAY, secret=b"another-site-key-0123456789abcdef")
    assert other_key.match(WatchQuery(id_number=ID_NUMBER)) == []
    assert WatchIndex([HASHED], TODAY).match(WatchQuery(id_number=ID_NUMBER)) == []


def test_a_rare_name_alarms_alone_its_pinyin_counts_less(index: WatchIndex) -> None:
    assert ids(index, name="禤瀚文") == ["rare"]
    assert ids(index, name="禤 瀚 文") == ["rare"]
    # xuan is also 宣, 玄, 轩...: the pinyin is shared by more people than the characters.
    chars = index.evidence(WatchQuery(name="禤瀚文"))[0].score
    for typed in ("xuan hanwen", "Hanwen XUAN"):
        pinyin = index.evidence(WatchQuery(name=typed))
        assert [h.entry_id for h in pinyin] == ["rare"] and pinyin[0].score < chars


def test_compound_and_heteronym_surnames(index: WatchIndex) -> None:
    assert ids(index, name="ouyang feng", organisation="新京报") == ["oy"]
    assert ids(index, name="Feng Ouyang", organisation="新京报") == ["oy"]
    assert ids(index, name="zeng guohua", organisation="羊城晚报") == ["zeng"]  # 曾 as a surname
    assert ids(index, name="ceng guohua", organisation="羊城晚报") == ["zeng"]  # as typed by IME


def test_typos_in_typed_pinyin_of_longer_names(index: WatchIndex) -> None:
    org = "深圳市华信科技有限公司"
    for typo in ("zhangxiaomign", "zhangxaioming", "zhangxiaomin", "zhangxiaominng", "zhanxiaoming"):
        found = codes(index, name=typo, organisation=org)
        assert {k: sorted(v) for k, v in found.items()} == {"long": ["name_typo", "organisation"]}
    # Characters are picked whole: a wrong character is not a typo.
    assert ids(index, name="张晓敏", organisation=org) == []
    # A two-character name has too many neighbours: no typo matching.
    assert ids(index, name="zhangwie", organisation="南方都市报") == []


def test_homophones_count_less_than_the_same_characters(index: WatchIndex) -> None:
    org = "深圳市华信科技有限公司"
    same = index.evidence(WatchQuery(name="张晓明", organisation=org))[0]
    homophone = index.evidence(WatchQuery(name="章小鸣", organisation=org))[0]
    assert (same.reasons[0].code, homophone.reasons[1].code) == ("name_exact", "name_homophone")
    assert homophone.score < same.score


def test_aliases_and_latin_names(index: WatchIndex) -> None:
    assert ids(index, name="小芳", organisation="acme") == ["foreign"]
    assert ids(index, name="WANG FANG", organisation="ＡＣＭＥ Ｃｏ．， Ｌｔｄ．") == ["foreign"]


def test_organisations_normalised(index: WatchIndex) -> None:
    for org in ("南方都市报社", "南方都市報", "南方 都市报", "南方都市报有限公司"):
        assert ids(index, name="张伟", organisation=org) == ["zw"], org
    assert ids(index, name="张晓明", organisation="深圳市华信科技") == ["long"]
    assert ids(index, organisation="南方都市报") == []  # an outlet alone never alarms


def test_partial_input_never_alarms(index: WatchIndex) -> None:
    full = WatchQuery(name="禤瀚文", phone="13800138000", plate="粤B12345")
    assert index.match(WatchQuery(name="禤")) == []
    assert index.match(WatchQuery(name="禤瀚")) == []
    for typed in ("x", "xu", "xua", "xuan", "xuanh"):
        assert index.match(WatchQuery(name=typed)) == [], typed
    for n in range(1, 11):
        assert index.match(WatchQuery(phone=full.phone[:n])) == []
    for n in range(1, 7):
        assert index.match(WatchQuery(plate=full.plate[:n])) == []


def test_hit_says_why_in_the_entry_s_own_words(index: WatchIndex) -> None:
    hit = index.match(WatchQuery(name="zhang wei", organisation="南方都市報社"))[0]
    assert hit.entry is ZHANG_WEI
    assert hit.fields == ("name", "organisation")
    assert [(r.code, r.detail) for r in hit.reasons] == [
        ("name_pinyin", "zhang wei"), ("organisation", "南方都市报")]
    assert 0 < hit.score <= 1
    phone = index.match(WatchQuery(phone="138 0013 8000"))[0]
    assert (phone.fields, phone.reasons[0].detail) == (("phone",), "+8613800138000")
    hashed = index.match(WatchQuery(id_number=ID_NUMBER))[0]
    assert ID_NUMBER not in repr(hashed) and hashed.reasons[0].detail.endswith("002X")


def test_threshold_decides_what_alarms(index: WatchIndex) -> None:
    query = WatchQuery(name="张伟")
    near = index.evidence(query)
    assert [h.entry_id for h in near] == ["zw"] and near[0].score < DEFAULT_THRESHOLD
    assert index.match(query) == []
    lenient = WatchIndex([ZHANG_WEI], TODAY, threshold=near[0].score)
    assert [h.entry_id for h in lenient.match(query)] == ["zw"]
    strict = WatchIndex([ZHANG_WEI], TODAY, threshold=1.01)
    assert strict.match(WatchQuery(phone="13800138000", name="张伟")) == []


def test_expired_entries_never_match() -> None:
    until = date(2026, 11, 20)
    entry = ZHANG_WEI.with_changes(until=until)
    assert [h.entry_id for h in WatchIndex([entry], until).match(
        WatchQuery(phone="13800138000"))] == ["zw"]  # in force on its last day
    later = WatchIndex([entry], datetime(2026, 11, 21, 0, 1))
    assert len(later) == 0 and later.match(WatchQuery(phone="13800138000")) == []


def test_query_from_the_register_form() -> None:
    values = {"name": "张伟", "phone": "138 0013 8000", "plate": "粤B12345",
              "organisation": "南方都市报", "credential_number": "11010519491231002X"}
    q = WatchQuery.from_visit_values(values, "resident_id")
    assert (q.name, q.phone, q.plate, q.organisation, q.id_number) == (
        "张伟", "138 0013 8000", "粤B12345", "南方都市报", "11010519491231002X")
    assert WatchQuery.from_visit_values({"credential_number": "B123456789012"},
                                        "press_card").id_number == ""
    assert WatchQuery.from_visit_values({"credential_number": "002X"}, "other").id_number == "002X"
