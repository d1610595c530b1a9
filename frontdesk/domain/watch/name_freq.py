"""How common a Chinese name is: the tables behind the watch list's name evidence.

These are estimates, good to a factor of two or three, which is all the scoring needs (it works
in powers of two). Sources, rounded:

* surnames: the shares of the most common 120 surnames in the Ministry of Public Security's
  household-register reports (《二〇二〇年全国姓名报告》 and the 2019 edition): 王 7.1 %, 李 7.0 %,
  张 6.7 % ... the top 100 cover about 85 % of people; a surname not listed is given
  :data:`SURNAME_FLOOR`;
* whole given names: the given names of the most common full names in the same reports (张伟,
  王芳, 李娜, 王秀英 ...), as the share of all people who carry that given name (张伟's 290,000
  people are 0.3 % of the 95 million 张);
* given-name characters: about 200 characters sorted into three tiers by how often they appear in
  a two-character given name; anything else is :data:`CHAR_FLOOR` (the remaining ~30 % spread over
  some 600 characters, cautiously).

:mod:`frontdesk.domain.watch.rarity` turns these into "bits of evidence" per name.
"""
from __future__ import annotations

from types import MappingProxyType


def _shares(text: str) -> MappingProxyType[str, float]:
    """``"王 7.12 李 7.00"`` (percent) as a read-only mapping of fractions."""
    words = text.split()
    return MappingProxyType(
        {words[i]: float(words[i + 1]) / 100 for i in range(0, len(words), 2)}
    )


SURNAME_SHARE = _shares("""
王 7.12 李 7.00 张 6.74 刘 5.10 陈 4.61 杨 3.22 黄 2.45 赵 2.19 吴 2.05 周 1.95
徐 1.45 孙 1.38 马 1.29 朱 1.28 胡 1.16 郭 1.13 何 1.06 林 1.01 高 1.00 罗 0.95
郑 0.87 梁 0.85 谢 0.72 宋 0.68 唐 0.66 许 0.61 韩 0.60 邓 0.56 冯 0.56 曹 0.55
彭 0.54 曾 0.48 肖 0.47 田 0.46 董 0.46 潘 0.42 袁 0.42 蔡 0.40 蒋 0.40 余 0.39
于 0.39 杜 0.38 叶 0.37 程 0.36 魏 0.35 苏 0.34 吕 0.34 丁 0.33 任 0.33 卢 0.32
姚 0.31 沈 0.31 钟 0.30 姜 0.30 崔 0.29 谭 0.29 陆 0.28 范 0.27 汪 0.27 廖 0.26
石 0.26 金 0.25 韦 0.24 贾 0.24 夏 0.23 付 0.23 方 0.23 邹 0.22 熊 0.22 白 0.21
孟 0.21 秦 0.21 邱 0.20 侯 0.20 江 0.20 尹 0.19 薛 0.19 闫 0.19 段 0.18 雷 0.18
龙 0.17 黎 0.17 史 0.17 陶 0.16 贺 0.16 毛 0.15 郝 0.15 顾 0.15 龚 0.14 邵 0.14
万 0.14 覃 0.13 武 0.13 钱 0.13 戴 0.13 严 0.12 莫 0.12 孔 0.12 向 0.12 常 0.11
汤 0.11 康 0.11 易 0.10 乔 0.10 赖 0.10 文 0.10 施 0.09 洪 0.09 辛 0.08 柯 0.08
庄 0.08 樊 0.08 殷 0.07 牛 0.07 欧阳 0.04 上官 0.005 司马 0.005 诸葛 0.004
""")
"""Share of the population with each surname (simplified characters)."""

SURNAME_FLOOR = 2e-4
"""Share assumed for a surname not in :data:`SURNAME_SHARE`."""

COMPOUND_SURNAMES = frozenset(
    "欧阳 上官 司马 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 长孙 宇文 轩辕 端木 独孤 南宫"
    " 西门 百里 呼延 万俟 闻人 申屠 濮阳 澹台 公冶 太叔 赫连 钟离 东郭 单于 第五".split()
)
"""Two-character surnames: the split between surname and given name follows them."""

SURNAME_READINGS = MappingProxyType({
    "曾": ("zeng",), "单": ("shan",), "解": ("xie",), "仇": ("qiu",), "区": ("ou",),
    "朴": ("piao",), "查": ("zha",), "盖": ("ge",), "乐": ("yue", "le"), "种": ("chong",),
    "缪": ("miao",), "翟": ("zhai",), "秘": ("bi",), "折": ("she",), "召": ("shao",),
    "覃": ("qin",), "员": ("yun",), "尉迟": ("yuchi",), "万俟": ("moqi",), "长孙": ("zhangsun",),
    "单于": ("chanyu",), "句": ("gou",), "宓": ("mi",), "繁": ("po",), "重": ("chong",),
    "沈": ("shen",), "石": ("shi",), "柏": ("bai",), "薄": ("bo",), "华": ("hua",),
    "任": ("ren",), "阚": ("kan",), "冼": ("xian",), "洗": ("xian",), "隗": ("wei",),
})
"""Surnames read differently from the character's default reading (曾 is Zeng, 单 is Shan).

The default reading is indexed as well, because a guard may type either.
"""

WHOLE_GIVEN_SHARE = _shares("""
伟 0.30 芳 0.27 娜 0.25 敏 0.24 静 0.24 秀英 0.23 丽 0.22 强 0.20 磊 0.19 洋 0.18
艳 0.18 勇 0.18 军 0.18 杰 0.17 娟 0.16 涛 0.15 超 0.14 明 0.14 霞 0.14 秀兰 0.13
刚 0.13 平 0.13 燕 0.12 辉 0.12 玲 0.11 桂英 0.11 丹 0.11 萍 0.10 鹏 0.10 华 0.10
红 0.10 玉兰 0.09 飞 0.09 桂兰 0.08 英 0.08 梅 0.08 鑫 0.08 波 0.08 斌 0.08 宇 0.08
浩 0.08 凯 0.07 秀珍 0.07 健 0.07 俊 0.07 建华 0.07 帆 0.06 帅 0.06 旭 0.06 宁 0.06
龙 0.06 林 0.06 欢 0.06 阳 0.06 亮 0.06 成 0.06 建国 0.06 建军 0.06 婷 0.06 峰 0.06
晶 0.05 琳 0.05 雪 0.05 颖 0.05 倩 0.05 莉 0.05 海燕 0.05 文 0.05 慧 0.05 洁 0.05
晓燕 0.04 丽娟 0.04 秀云 0.04 凤英 0.04 桂芳 0.04 淑珍 0.04 佳 0.04 欣 0.04 丽丽 0.04
玉梅 0.04 玉珍 0.04 志强 0.04 志刚 0.04 海涛 0.04 小红 0.04 子轩 0.04 浩然 0.04
梓涵 0.04 一诺 0.04 欣怡 0.04 晨 0.04 宇轩 0.03 雨涵 0.03 梓轩 0.03 子涵 0.03
诗涵 0.03 俊杰 0.03 文杰 0.03 小明 0.03 建平 0.03 国强 0.03 春梅 0.03 金凤 0.03
丽华 0.04 丽萍 0.03 秀华 0.03 秀梅 0.03 玉华 0.03 桂花 0.03 金花 0.02 建明 0.02 建新 0.02
国华 0.02 国庆 0.03 志明 0.02 志伟 0.03 红梅 0.03 红霞 0.03 晓东 0.02 晓明 0.02 文华 0.02
明华 0.02 婷婷 0.04 丹丹 0.03 静静 0.02 莉莉 0.02 晓红 0.02 海波 0.02 永强 0.02 建伟 0.02
""")
"""Share of all people whose given name is exactly this (单名 and 双名 alike)."""

_TIER_A = "华明文英玉秀建国小海丽志红金春晓永"
_TIER_B = (
    "芳兰平伟德子宇俊佳欣思雨梓浩涵亮军东林辉杰峰云燕凤霞桂淑美珍梅娟敏静成荣新光强立家学天一"
    "嘉晨阳"
)
_TIER_C = (
    "丹琳婷雪莉萍秋波勇刚斌磊鹏飞振安和清泽博瑞诗怡涛超龙玲艳娜倩颖洁宏庆福生忠君兴胜达民山中长"
    "祥贵宝爱素琴菊翠月萱雅婉慧惠蓉媛蕾璐瑶琪悦馨可若冰露青晶彤妍之伦哲轩睿铭宸豪翔鑫凯帆航旭昊"
    "然楠洋毅坤锋健彬松柏义仁武银根发财寿喜香花夏冬竹利锦亚芬佩丰友启世诚少卫江河波桃莲娇艺"
    "远鸿康乐鸣恒信良昌盛茂娥莹琼凡亦晴玥璇曦宁远韵叶芝芸"
)


def _char_tiers() -> MappingProxyType[str, float]:
    table: dict[str, float] = {}
    for chars, share in ((_TIER_A, 0.010), (_TIER_B, 0.005), (_TIER_C, 0.002)):
        for ch in chars:
            table.setdefault(ch, share)  # a character keeps its highest tier
    return MappingProxyType(table)


GIVEN_CHAR_SHARE = _char_tiers()
"""Chance that one position of a two-character given name holds this character."""

CHAR_FLOOR = 5e-4
"""The same chance for a character not in :data:`GIVEN_CHAR_SHARE`.

Set on the cautious side: the ~30 % of given-name characters outside the table are spread as if
over some 600 characters, though thousands are in use. Underrating how common a character is
would make common names look rare, and a rare-looking name may alarm on its own.
"""

SINGLE_GIVEN = 0.2
"""Share of people with a one-character given name (the rest have two, a few three)."""

POPULATION = 1.41e9
"""People in the register the shares are of (mainland China, 2020 census)."""
