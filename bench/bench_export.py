"""Benchmark the register export writers on a busy day: 5,000 visits x 20 columns.

Run:  python bench/bench_export.py [--rows 5000] [--out DIR]

Each format is written three times and the best wall time (time.perf_counter) and CPU time
(time.process_time) are reported;
then each format is written once more under tracemalloc for its peak traced Python memory.
The process's peak resident set size (ru_maxrss) is printed at the end. Target: XLSX < 2 s.
"""
from __future__ import annotations

import argparse
import functools
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from frontdesk.export import Column, Sheet, write_csv, write_pdf, write_xlsx

SURNAMES: list[str] = [*"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程",
                       *"苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾",
                       "欧阳", "司马", "上官", "诸葛"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鑫宇浩然子涵欣怡梓轩一诺思远雨桐晨曦"
OUTLETS = ["顺丰速运", "京东物流", "中通快递", "圆通速递", "美团外卖", "饿了么", "闪送", "邮政EMS",
           "国家电网", "燃气公司", "中国移动装维", "物业维修部", "搬家公司", "家政保洁", "—"]
PURPOSES = ["送快递", "送外卖", "走亲访友", "装修施工", "维修", "看房", "搬家", "抄表", "家政",
            "面试", "业主委员会会议"]
NOTES = ["", "", "", "已电话联系业主确认", "车辆停放在地下车库B2", "携带大件物品，已登记",
         "访客未带身份证，业主到门岗接人", "夜间来访，已提醒遵守小区规定",
         ("装修队共5人，施工许可证编号 ZX-2026-0113，工期至月底，每日 08:00-18:00 施工，"
          "禁止中午 12:00-14:00 噪音作业，垃圾需自行清运到指定地点。"),
         "=HYPERLINK(\"http://example.com\",\"点我\")", "+86 访客自称是业主亲戚"]
PLATES = "京沪浙苏粤川鄂湘闽皖"
COLUMNS = (
    Column("no", "序号"), Column("in", "进入时间"), Column("out", "离开时间"),
    Column("name", "访客姓名"), Column("sex", "性别"), Column("phone", "手机号"),
    Column("id_type", "证件类型"), Column("id_no", "证件号码"), Column("plate", "车牌号"),
    Column("company", "单位/公司"), Column("purpose", "来访事由"), Column("host", "被访人"),
    Column("building", "楼栋"), Column("unit", "单元"), Column("room", "房号"),
    Column("people", "随行人数"), Column("items", "携带物品"), Column("gate", "出入口"),
    Column("guard", "值班员"), Column("note", "备注"),
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def generate_rows(count: int, seed: int = 20261122) -> list[list[str | int | None]]:
    """A deterministic, realistic day of visits (all strings except the two counters)."""
    rng = random.Random(seed)
    rows: list[list[str | int | None]] = []
    for i in range(count):
        minute = 6 * 60 + i * (17 * 60) // count
        stay = rng.randint(3, 240)
        stay_min = (minute + stay) % 60
        phone = rng.choice(["13", "15", "17", "18", "19"]) + f"{rng.randrange(10**9):09d}"
        rows.append([
            i + 1, f"{minute // 60:02d}:{minute % 60:02d}",
            None if rng.random() < 0.1 else f"{(minute + stay) // 60 % 24:02d}:{stay_min:02d}",
            _name(rng), rng.choice("男女"), rng.choice([phone, phone, "+86" + phone]),
            rng.choice(["居民身份证", "居民身份证", "护照", "港澳通行证"]),
            f"{rng.randrange(110000, 659999)}********{rng.randrange(1000):03d}X",
            rng.choice(["", "", f"{rng.choice(PLATES)}A·{rng.randrange(10000, 99999)}"]),
            rng.choice(OUTLETS), rng.choice(PURPOSES), _name(rng),
            f"{rng.randint(1, 32)}栋", f"{rng.randint(1, 4)}单元",
            f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}",
            rng.randint(0, 5), rng.choice(["", "", "纸箱", "工具箱", "行李箱", "鲜花"]),
            rng.choice(["东门", "西门", "南门地库入口"]), rng.choice(["张保安", "李队长", "王师傅"]),
            rng.choice(NOTES),
        ])
    return rows


def make_sheet(count: int) -> Sheet:
    """The benchmark's sheet: header lines, 20 columns, ``count`` rows."""
    return Sheet(
        title="访客登记表 2026-11-22",
        header_lines=("站点：阳光花园小区", "日期：2026-11-22 00:00 — 23:59", "导出人：王主管",
                      "导出时间：2026-11-23 08:00", "审计链头 / Audit chain head: " + "3f9a" * 16),
        columns=COLUMNS,
        rows=generate_rows(count),
        footer_lines=(f"共 {count} 条记录 / {count} entries",),
        signature_label="值班人签名 / Signature",
    )


def best_of(runs: int, func: Callable[[], object]) -> tuple[float, float]:
    """Best wall time (perf_counter) and best CPU time (process_time) of ``runs`` calls, in s.

    CPU time is shown too because wall time on a shared 2-core machine depends on its load.
    """
    wall = cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=None, help="keep the files in this folder")
    args = parser.parse_args()
    sheet = make_sheet(args.rows)
    folder = args.out or Path(tempfile.mkdtemp(prefix="frontdesk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    writers: list[tuple[str, Callable[[Sheet, Path], object]]] = [
        ("csv", write_csv), ("xlsx", write_xlsx), ("pdf", write_pdf)]
    print(f"{args.rows} rows x {len(COLUMNS)} columns -> {folder}")
    print(f"{'format':<6} {'wall, best of 3 (s)':>20} {'CPU, best of 3 (s)':>19} "
          f"{'peak traced (MB)':>17} {'size (KB)':>10}")
    for name, writer in writers:
        target = folder / f"register.{name}"
        wall, cpu = best_of(3, functools.partial(writer, sheet, target))
        tracemalloc.start()
        writer(sheet, target)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        size = target.stat().st_size / 1024
        print(f"{name:<6} {wall:>20.3f} {cpu:>19.3f} {peak:>17.1f} {size:>10.0f}")
    if sys.platform != "win32":
        import resource

        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak RSS: {maxrss:.0f} MB; load average: {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
