# ruff: noqa: E501  (OOXML boilerplate and character pools are long lines)
"""Realistic employee import files for the benchmark and the tests.

``employee_rows`` yields rows in the template's column order; ``write_xlsx`` writes them as a
real .xlsx (shared by tests with small sizes). The writer streams XML straight into the zip,
because openpyxl needs about a minute for 100,000 rows and the benchmark times our import, not
the generator. Text cells are inline strings with the text format, dates are date-formatted
serial numbers, amounts are numbers — as Excel saves them.
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from hragency.domain.idcard import make_id_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文斌宇浩然欣怡子涵梓轩雨桐"
REGIONS = ["310115", "110105", "440305", "320106", "330106", "510107", "420106", "610113"]
CITIES = ["上海", "北京", "深圳", "南京", "杭州", "成都", "武汉", "西安"]
BANKS = ["中国工商银行", "中国建设银行", "招商银行", "中国银行", "交通银行"]
EDUCATION = ["大学本科", "大学专科", "硕士研究生", "高中", "中专/技校"]
POSITIONS = ["行政专员", "销售代表", "仓库管理员", "软件工程师", "客服专员", "会计"]
HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "电子邮箱",
    "退休类别",
    "户籍性质",
    "户籍所在地",
    "学历",
    "工号",
    "岗位",
    "月工资",
    "合同类型",
    "合同开始日期",
    "合同结束日期",
    "试用期截止日期",
    "入职日期",
    "参保城市",
    "开户银行",
    "银行账号",
]


def _id_numbers(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Distinct valid ID numbers (with the gender they encode), born 1966–2004."""
    start = dt.date(1966, 1, 1)
    for offset in rng.sample(range(14_000), 14_000):
        birth = start + dt.timedelta(days=offset)
        for region in REGIONS:
            for sequence in range(100):
                gender = "M" if sequence % 2 else "F"
                yield (
                    make_id_number(
                        region_code=region, birth_date=birth, sequence=sequence, gender=gender
                    ),
                    gender,
                )


def employee_rows(count: int, *, bad_every: int = 0, seed: int = 2026) -> Iterator[list[object]]:
    """``count`` rows; with ``bad_every`` = n every n-th row has a bad ID checksum."""
    rng = random.Random(seed)
    numbers = _id_numbers(rng)
    for i in range(1, count + 1):
        number, gender = next(numbers)
        if bad_every and i % bad_every == 0:
            number = number[:17] + ("0" if number[17] != "0" else "1")
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        category = "男职工（原60岁）" if gender == "M" else "女干部/管理技术岗（原55岁）"
        yield [
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            number,
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            f"user{i}@example.cn",
            category,
            rng.choice(["城镇", "农村"]),
            rng.choice(CITIES) + "市",
            rng.choice(EDUCATION),
            f"E{i:06d}",
            rng.choice(POSITIONS),
            Decimal(rng.randrange(400_000, 3_000_000)) / 100,
            "固定期限",
            start,
            start + dt.timedelta(days=3 * 365),
            start + dt.timedelta(days=90),
            start,
            rng.choice(CITIES),
            rng.choice(BANKS),
            f"6222{rng.randrange(10**15):015d}",
        ]


_EPOCH = dt.date(1899, 12, 30)
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
_PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>""",
    "xl/workbook.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="导入数据" sheetId="1" r:id="rId1"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>""",
    "xl/styles.xml": _STYLES,
}


def _cell(value: object) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, dt.date):
        return f'<c s="1"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr" s="2"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, rows: Iterable[list[object]], headers: list[str] = HEADERS) -> Path:
    """A first sheet with ``headers`` and ``rows``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in _PARTS.items():
            archive.writestr(name, body)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(("<row>" + "".join(_cell(v) for v in headers) + "</row>").encode())
            buffer: list[str] = []
            for values in rows:
                buffer.append("<row>" + "".join(_cell(v) for v in values) + "</row>")
                if len(buffer) >= 2000:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path
