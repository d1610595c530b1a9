"""Generate a watch list, the ways its people come back to the gate, and unrelated visitors.

``make_world(seed, n_watch, n_visitors)`` returns:

* ``entries``: watched people (:class:`~frontdesk.domain.watch.model.WatchEntry`) with a
  realistic mix of fields: every one a name; 85 % a mobile (10 % two); 30 % a plate; 60 % an
  outlet or employer (45 % of those a news outlet, 45 % a company, 10 % a delivery platform;
  unrelated visitors come from platforms three times as often); 50 % a whole resident ID (kept as last four + keyed hash), 20 % only a last
  four; each has an outlet or a last four (a watch entry is made from a register entry that had
  one); 15 % an alias; 6 % expired (``until`` in the past);
* ``probes``: each watched person coming back as a guard would type them, one probe per
  *variant kind* (:data:`KINDS`), the expected entry id with it; expired people give
  ``expired`` probes (name + phone) that must not alarm;
* ``visitors``: unrelated people by group (:data:`GROUPS`): ``random`` (names, phones, plates,
  outlets, ID numbers drawn from the distributions below), ``same_surname`` (someone else with
  a watched person's surname and outlet), ``common_namesake`` (someone else with a watched
  person's full name, picked in proportion to how common that name is: the namesakes a site
  really meets); ``random`` is 85 % of ``n_visitors``, the other two 7.5 % each. Beside them,
  ``any_namesake`` (``n_any_namesakes`` people with the full name of a watched person picked
  uniformly, rare names included): reported, not part of the 1-in-1,000 target.

Names are drawn from this module's own distributions, not from the matcher's tables
(:mod:`frontdesk.domain.watch.name_freq`): surnames by census share plus a tail of rarer and
two-character surnames; given names one character (22 %) or two, characters drawn Zipf-like
(exponent 0.6) from some 600 characters in this module's own order, 8 % a popular whole given
name (伟, 秀英, 子轩 ...). So the test measures how well the matcher's estimate of a name's
rarity fits a population it was not fitted to.
"""
from __future__ import annotations

import random
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from frontdesk.domain.watch.entry_check import stable_entry_id  # noqa: E402
from frontdesk.domain.watch.matcher import WatchQuery  # noqa: E402
from frontdesk.domain.watch.model import WatchEntry, id_fields  # noqa: E402
from frontdesk.domain.watch.normalize import name_forms  # noqa: E402

SECRET = b"bench-watch-list-id-key-0123456789"
NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)

KINDS = (
    "name_traditional", "name_spaces", "name_fullwidth", "pinyin_full", "pinyin_initials",
    "english_order_case", "pinyin_typo", "id_last4_name", "id_full", "phone_format",
    "plate_format", "plate_no_province", "org_variant", "alias",
)
GROUPS = ("random", "same_surname", "common_namesake", "any_namesake")

_SURNAMES = (
    "王 712 李 700 张 674 刘 510 陈 461 杨 322 黄 245 赵 219 吴 205 周 195 徐 145 孙 138 马 129 "
    "朱 128 胡 116 郭 113 何 106 林 101 高 100 罗 95 郑 87 梁 85 谢 72 宋 68 唐 66 许 61 韩 60 "
    "邓 56 冯 56 曹 55 彭 54 曾 48 肖 47 田 46 董 46 潘 42 袁 42 蔡 40 蒋 40 余 39 于 39 杜 38 "
    "叶 37 程 36 魏 35 苏 34 吕 34 丁 33 任 33 卢 32 姚 31 沈 31 钟 30 姜 30 崔 29 谭 29 陆 28 "
    "范 27 汪 27 廖 26 石 26 金 25 韦 24 贾 24 夏 23 付 23 方 23 邹 22 熊 22 白 21 孟 21 秦 21 "
    "邱 20 侯 20 江 20 尹 19 薛 19 闫 19 段 18 雷 18 龙 17 黎 17 史 17 陶 16 贺 16 毛 15 郝 15 "
    "顾 15 龚 14 邵 14 万 14 覃 13 武 13 钱 13 戴 13 严 12 莫 12 孔 12 向 12 常 11 汤 11 康 11 "
    "易 10 乔 10 赖 10 文 10 温 9 祝 8 庞 8 岑 6 邝 5 巫 5 麦 5 骆 5 甘 5 詹 5 凌 5 卓 4 蓝 4 "
    "聂 4 柴 4 尚 4 单 3 禤 1 佘 2 鄢 1 蔺 1 栾 1 欧阳 4 司马 1 上官 1 诸葛 1 东方 1"
).split()
_GIVEN_CHARS = "".join(dict.fromkeys(
    "英华明文玉秀建国小海丽志红金春晓永芳兰平伟德子宇俊佳欣思雨梓浩涵亮军东林辉杰峰云燕凤霞"
    "桂淑美珍梅娟敏静成荣新光强立家学天一嘉晨阳丹琳婷雪莉萍秋波勇刚斌磊鹏飞振安和清泽博瑞诗"
    "怡涛超龙玲艳娜倩颖洁宏庆福生忠君兴胜达民山中长祥贵宝爱素琴菊翠月萱雅婉慧惠蓉媛蕾璐瑶琪"
    "悦馨可若冰露青晶彤妍之伦哲轩睿铭宸豪翔鑫凯帆航旭昊然楠洋毅坤锋健彬松柏义仁武银根发财寿"
    "喜香花夏冬竹利锦亚芬佩丰友启世诚少卫江河桃莲娇艺远鸿康乐鸣恒信良昌盛茂娥莹琼凡亦晴玥璇"
    "曦宁韵叶芝芸元炜煜烨焕炳灿烽焱鹤鹰鸾凰麟骏驰骁腾跃越逸遥迪晖昕昱晟晗晔暄曜朗朔杉桦梧桐"
    "楷榕槐樱檀沐沛泓洲浚涌淼渊湛溪源滨潇澄澜灏炫琦琛瑾璟璞瑜瑛琰琨珏珂珊玮玫瑰珮琬瑗蔚蕊"
    "薇芮芷苓茜茹荷莎菁萌蓓蔓蕙馥黛芊芃苒岚崇嵩峻巍岳峥屹屿恺恬悠惟慈慕憬懿攸敬斐旻晋景智"
    "曼棠楚榆橙欢歆毓沁泉洪淳渝湘滢潼澍灵炅烁熙熠燃爽瓒甄畅皓瞻砚祺禧禹稷穆筠简箐纯纶绮维"
    "缘翊耀聪胤舒茗莘菲蓝藤虹蝶言誉谦谨豫贞贤赫轶辰迎遐邦郁采钧铎锐镇阑隽雁雯霖霏靖韬韶颂"
    "颢骞鸥黎默鼎齐龄勤俭孝廉耕读仕伯仲叔季友朋宾客贺喆垚淼犇鑫森焱磊晶品众鹏程万里锦绣前"
    "程似玉如意吉祥和平安康泰丰收富强振兴中华卫东红兵向阳胜利跃进援朝抗美继承发扬光大"
))
_POPULAR_GIVEN = ("伟 芳 娜 敏 静 秀英 丽 强 磊 洋 艳 勇 军 杰 娟 涛 超 明 霞 秀兰 刚 平 燕 辉 玲 "
                  "桂英 丹 萍 鹏 华 红 玉兰 建华 建国 建军 海燕 子轩 浩然 梓涵 一诺 欣怡 宇轩 "
                  "雨涵 子涵 诗涵 俊杰 婷婷 志强 丽华").split()
_OUTLETS = ("南方日报 南方都市报 羊城晚报 新京报 澎湃新闻 财新传媒 第一财经 21世纪经济报道 "
            "每日经济新闻 界面新闻 红星新闻 封面新闻 北京青年报 新民晚报 广州日报 深圳特区报 "
            "深圳晚报 晶报 信息时报 南方周末 中国青年报 人民网 新华社 中国新闻社 央视新闻 "
            "广东广播电视台 凤凰网 网易新闻 腾讯新闻 新浪新闻 梨视频 看看新闻 潇湘晨报 "
            "楚天都市报 华商报 大河报").split()
_PLATFORMS = "顺丰速运 美团 饿了么 京东物流 中通快递 圆通速递 韵达快递 中国邮政 极兔速递 闪送".split()
_CITY = "深圳市 广州市 东莞市 佛山市 北京 上海 杭州市 成都市 武汉市 南京市".split()
_BRAND = ("华信 恒达 鼎盛 宏图 博远 瑞丰 金桥 天成 新锐 汇通 嘉禾 中联 海纳 创维 启明 锦程 "
          "益达 永安 长城 九州 东方 万通 安居 立新 科创 优家 美居 联众 星河 金地").split()
_TRADE = "科技 装饰工程 房地产经纪 物业服务 保险代理 教育咨询 家政服务 广告传媒 建材 网络".split()
_SUFFIX = "有限公司 有限公司 有限公司 股份有限公司 有限责任公司 工作室".split()
_PROVINCES = "粤" * 12 + "京沪湘桂闽赣鄂川浙苏豫琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_MOBILE = ("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
           "173 175 176 177 180 181 182 183 184 185 186 187 188 189 191 198 199").split()
_REGIONS = "440106 440104 440305 440303 440307 441900 110105 310104 430102 420106 510104".split()
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _zipf(n: int, s: float) -> list[float]:
    return [1 / (k ** s) for k in range(1, n + 1)]


@dataclass
class _Pools:
    surnames: list[str]
    surname_w: list[float]
    chars: str
    char_w: list[float]


_POOLS = _Pools(_SURNAMES[0::2], [float(w) for w in _SURNAMES[1::2]], _GIVEN_CHARS,
                _zipf(len(_GIVEN_CHARS), 0.6))


def person_name(rng: random.Random, surname: str | None = None) -> str:
    """A Chinese name from this module's distributions (see the module doc)."""
    s = surname or rng.choices(_POOLS.surnames, _POOLS.surname_w)[0]
    if rng.random() < 0.08:
        return s + rng.choice(_POPULAR_GIVEN)
    n = 1 if rng.random() < 0.22 else 2
    return s + "".join(rng.choices(_POOLS.chars, _POOLS.char_w, k=n))


def name_probability(name: str) -> float:
    """The generator's own chance of producing ``name`` (used to pick realistic namesakes)."""
    total_s = sum(_POOLS.surname_w)
    total_c = sum(_POOLS.char_w)
    for cut in (2, 1):
        s, given = name[:cut], name[cut:]
        if s in _POOLS.surnames and given:
            break
    p_s = _POOLS.surname_w[_POOLS.surnames.index(s)] / total_s
    p_pop = 0.08 * (_POPULAR_GIVEN.count(given) / len(_POPULAR_GIVEN))
    p_chars = 1.0
    for ch in given:
        i = _POOLS.chars.find(ch)
        p_chars *= _POOLS.char_w[i] / total_c if i >= 0 else 0.0
    share = 0.22 if len(given) == 1 else 0.78
    return p_s * (p_pop + 0.92 * share * p_chars)


def mobile(rng: random.Random) -> str:
    """A random Chinese mobile number (national digits)."""
    return rng.choice(_MOBILE) + f"{rng.randrange(10**8):08d}"


def plate(rng: random.Random) -> str:
    """A random plate: ordinary (5 after the city letter) or new-energy (D/F + 5)."""
    head = rng.choice(_PROVINCES) + rng.choice(_PLATE_LETTERS)
    if rng.random() < 0.15:
        return head + rng.choice("DF") + f"{rng.randrange(10**5):05d}"
    tail = [rng.choice("0123456789" * 4 + _PLATE_LETTERS) for _ in range(5)]
    return head + "".join(tail)


def resident_id(rng: random.Random) -> str:
    """A random resident ID number with a valid check digit."""
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 42))
    body = rng.choice(_REGIONS) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def organisation(rng: random.Random, platforms: float = 0.3, outlets: float = 0.25) -> str:
    """A delivery platform, an outlet or a company: by default roughly as often as each comes
    to a gate (a watch list's mix is given by its caller)."""
    r = rng.random()
    if r < platforms:
        return rng.choice(_PLATFORMS)
    if r < platforms + outlets:
        return rng.choice(_OUTLETS)
    return (rng.choice(_CITY) + rng.choice(_BRAND) + rng.choice(_TRADE) + rng.choice(_SUFFIX))


@dataclass
class Person:
    """A generated watched person: the entry and what they would type at the gate."""

    entry: WatchEntry
    id_number: str = ""


@dataclass
class Probe:
    """One way a watched person comes back: the kind, the form's values, who it should find."""

    kind: str
    query: WatchQuery
    expect: str | None


@dataclass
class World:
    """A generated watch list with its probes and unrelated visitors."""

    entries: list[WatchEntry]
    probes: list[Probe]
    visitors: list[tuple[str, WatchQuery]] = field(default_factory=list)


def watched_person(rng: random.Random, n: int) -> Person:
    """The n-th watched person (see the module doc for the mix of fields)."""
    name = person_name(rng)
    phones = [mobile(rng)] if rng.random() < 0.85 else []
    if phones and rng.random() < 0.1:
        phones.append(mobile(rng))
    plates = [plate(rng)] if rng.random() < 0.3 else []
    # Watched people are mostly journalists and salespeople; some are couriers or riders.
    orgs = [organisation(rng, platforms=0.1, outlets=0.45)] if rng.random() < 0.6 else []
    number = resident_id(rng) if rng.random() < 0.5 else ""
    ids = id_fields(number, SECRET) if number else {"id_last4": "", "id_hash": "",
                                                     "id_hash_key": ""}
    if not number and (rng.random() < 0.4 or not orgs):
        ids["id_last4"] = resident_id(rng)[-4:]
    aliases: tuple[str, ...] = ()
    if rng.random() < 0.15:
        forms = name_forms(name)
        pinyin = forms.display.title() if forms else ""
        aliases = (rng.choice([pinyin, person_name(rng, surname=name[0])]),)
    until = None
    if rng.random() < 0.2:
        until = TODAY + timedelta(days=rng.randrange(1, 400))
    if rng.random() < 0.06:
        until = TODAY - timedelta(days=rng.randrange(1, 200))
    entry = WatchEntry(
        id=stable_entry_id(f"{name}#{n}", phones, ids["id_last4"]), name=name, reason="推销",
        instruction="劝离,通知主管", added_by="supervisor", added_at=NOW - timedelta(days=30),
        aliases=aliases, phones=tuple("+86" + p for p in phones), plates=tuple(plates),
        orgs=tuple(orgs), until=until, **ids,
    )
    return Person(entry, number)


def _s2t(text: str) -> str:
    import opencc

    global _S2T
    if _S2T is None:
        _S2T = opencc.OpenCC("s2t")
    return str(_S2T.convert(text))


_S2T: object | None = None


def fullwidth(text: str) -> str:
    """ASCII as full-width characters, spaces as the ideographic space."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch
                   for ch in text)


def _cased(rng: random.Random, words: list[str]) -> str:
    style = rng.randrange(4)
    if style == 0:
        return " ".join(w.upper() for w in words)
    if style == 1:
        return " ".join(w.title() for w in words)
    if style == 2:
        return words[0].upper() + " " + " ".join(w.title() for w in words[1:])
    return " ".join(words)


def _tones(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    forms = name_forms(name)
    assert forms is not None
    surname = forms.display.split()[0]
    given = lazy_pinyin(forms.given, style=Style.TONE)
    return surname + " " + "".join(given)


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnopqrstuwxyz")
    if op == 0:
        return word[:i] + letter + word[i + 1:] if word[i] != letter else word[:i] + word[i + 1:]
    if op == 1:
        return word[:i] + word[i + 1:]
    if op == 2:
        return word[:i] + letter + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def org_variant(rng: random.Random, org: str) -> str:
    """The same organisation as a guard might write it."""
    choice = rng.randrange(5)
    if choice == 0:
        for suffix in ("股份有限公司", "有限责任公司", "有限公司"):
            if org.endswith(suffix):
                return org[: -len(suffix)]
        return org + ("社" if org.endswith("报") else "有限公司")
    if choice == 1:
        return _s2t(org)
    if choice == 2:
        return " ".join(org[i:i + 2] for i in range(0, len(org), 2))
    if choice == 3:
        return "\u3000" + fullwidth(org) + "\u3000"
    return org + ("社" if org.endswith("报") else "集团")


def phone_variant(rng: random.Random, e164: str) -> str:
    """One number in one of the ways people write it."""
    d = e164.removeprefix("+86")
    spaced = f"{d[:3]} {d[3:7]} {d[7:]}"
    return rng.choice([
        spaced, f"{d[:3]}-{d[3:7]}-{d[7:]}", d, f"+86 {d}", f"+86 {spaced}", f"0086 {d}",
        f"86{d}", fullwidth(d), f"(+86) {d}",
    ])


def plate_variant(rng: random.Random, p: str) -> str:
    """One plate in one of the ways a guard types it."""
    head, tail = p[:2], p[2:]
    return rng.choice([
        head.lower() + " " + tail, f"{head}·{tail}", f"{head}-{tail}", _s2t(head) + tail,
        f" {p[0]} {p[1]} {tail[:3]} {tail[3:]} ", fullwidth(p[1:]).join([p[0], ""]),
        p.lower(),
    ])


def _weak(rng: random.Random, e: WatchEntry) -> dict[str, str]:
    """One field that alone never alarms (an outlet or a last four), picked among what the
    entry has, so a probe alarms only if its name variant is recognised."""
    options = []
    if e.orgs:
        options.append({"organisation": e.orgs[0]})
    if e.id_last4:
        options.append({"id_number": e.id_last4})
    return rng.choice(options) if options else {}


def probe(rng: random.Random, kind: str, person: Person) -> WatchQuery | None:
    """How ``person`` comes back for one variant kind, or None when the kind does not apply."""
    e = person.entry
    forms = name_forms(e.name)
    assert forms is not None
    words = forms.display.split()
    weak = _weak(rng, e)
    if kind == "name_traditional":
        t = _s2t(e.name)
        return WatchQuery(name=t, **weak) if t != e.name else None
    if kind == "name_spaces":
        sep = rng.choice([" ", "  ", "\u3000"])
        name = sep.join(e.name) if rng.random() < 0.5 else e.name[:1] + sep + e.name[1:]
        return WatchQuery(name=name, **weak)
    if kind == "name_fullwidth":
        name = fullwidth(_cased(rng, words)) if rng.random() < 0.5 else "\u3000".join(e.name)
        return WatchQuery(name=name, **weak)
    if kind == "pinyin_full":
        name = rng.choice([_cased(rng, words), "".join(words), _tones(e.name)])
        return WatchQuery(name=name, **weak)
    if kind == "pinyin_initials":
        if not (e.orgs and e.id_last4):
            return None
        initials = forms.initials[0]
        return WatchQuery(name=initials.upper() if rng.random() < 0.5 else initials,
                          organisation=e.orgs[0], id_number=e.id_last4)
    if kind == "english_order_case":
        return WatchQuery(name=_cased(rng, words[1:] + words[:1]), **weak)
    if kind == "pinyin_typo":
        joined = "".join(words)
        if len(e.name) < 3:  # typos are matched for names of three characters or more
            return None
        return WatchQuery(name=_typo(rng, joined), **weak)
    if kind == "id_last4_name":
        return WatchQuery(name=e.name, id_number=e.id_last4) if e.id_last4 else None
    if kind == "id_full":
        return WatchQuery(id_number=person.id_number) if person.id_number else None
    if kind == "phone_format":
        return WatchQuery(phone=phone_variant(rng, e.phones[0])) if e.phones else None
    if kind == "plate_format":
        return WatchQuery(plate=plate_variant(rng, e.plates[0])) if e.plates else None
    if kind == "plate_no_province":
        return WatchQuery(name=e.name, plate=e.plates[0][1:]) if e.plates else None
    if kind == "org_variant":
        return WatchQuery(name=e.name, organisation=org_variant(rng, e.orgs[0])) if e.orgs else None
    if kind == "alias":
        return WatchQuery(name=e.aliases[0], **weak) if e.aliases else None
    raise ValueError(kind)


_TAKEN: set[str] = set()  # watched phones and plates: an unrelated visitor never has one


def _unused(rng: random.Random, make: Callable[[random.Random], str]) -> str:
    value = make(rng)
    while value in _TAKEN or "+86" + value in _TAKEN:
        value = make(rng)
    return value


def _visitor(rng: random.Random, name: str, avoid_org: str = "") -> WatchQuery:
    org = organisation(rng) if rng.random() < 0.5 else ""
    while avoid_org and org == avoid_org:
        org = organisation(rng)
    r = rng.random()
    id_number = resident_id(rng) if r < 0.4 else resident_id(rng)[-4:] if r < 0.5 else ""
    return WatchQuery(
        name=name, phone=_unused(rng, mobile) if rng.random() < 0.75 else "",
        plate=_unused(rng, plate) if rng.random() < 0.2 else "", organisation=org,
        id_number=id_number,
    )


def make_world(seed: int = 1, n_watch: int = 2000, n_visitors: int = 10_000,
               n_any_namesakes: int = 500) -> World:
    """The watch list, its probes and the unrelated visitors (see the module doc)."""
    rng = random.Random(seed)
    people = [watched_person(rng, n) for n in range(n_watch)]
    _TAKEN.clear()
    _TAKEN.update(v for p in people for v in (*p.entry.phones, *p.entry.plates))
    active = [p for p in people if p.entry.until is None or p.entry.until >= TODAY]
    probes: list[Probe] = []
    for person in people:
        if person not in active:
            e = person.entry
            probes.append(Probe("expired", WatchQuery(
                name=e.name, phone=e.phones[0] if e.phones else ""), None))
            continue
        for kind in KINDS:
            q = probe(rng, kind, person)
            if q is not None:
                probes.append(Probe(kind, q, person.entry.id))
    n_special = n_visitors * 3 // 40
    visitors = [("random", _visitor(rng, person_name(rng)))
                for _ in range(n_visitors - 2 * n_special)]
    with_org = [p.entry for p in active if p.entry.orgs]
    for _ in range(n_special):
        w = rng.choice(with_org)
        surname = (name_forms(w.name) or name_forms("张三")).surname  # type: ignore[union-attr]
        name = person_name(rng, surname=surname)
        while name == w.name:
            name = person_name(rng, surname=surname)
        q = _visitor(rng, name)
        visitors.append(("same_surname", WatchQuery(
            name=q.name, phone=q.phone, plate=q.plate, organisation=w.orgs[0],
            id_number=q.id_number)))
    weights = [name_probability(p.entry.name) for p in active]
    for _ in range(n_special):
        w = rng.choices(active, weights)[0].entry
        visitors.append(("common_namesake", _visitor(rng, w.name, w.orgs[0] if w.orgs else "")))
    for _ in range(n_any_namesakes):
        w = rng.choice(active).entry
        visitors.append(("any_namesake", _visitor(rng, w.name, w.orgs[0] if w.orgs else "")))
    return World([p.entry for p in people], probes, visitors)


def ascii_only(text: str) -> bool:
    """Whether ``text`` has no character outside ASCII (after NFKC)."""
    return unicodedata.normalize("NFKC", text).isascii()
