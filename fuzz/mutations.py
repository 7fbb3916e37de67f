"""Mutations of the seed ledgers: of their cells (then written again), of their bytes, of the
members of an .xlsx zip and of the XML inside them. One input is a function of (seed, index)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from fuzz.seeds import Ledger, Unwritable, canonical_zip, render

Rng = random.Random

# Cell values that have broken importers elsewhere, or could here.
EVIL_VALUES: tuple[Any, ...] = (
    "", " ", "\u3000", "\n", "\r\n", "\t", "\u200b", "\ufeff", "\u202e反转文字", "𠀀𠀁𪚥",
    "=1+1", "=SUM(A1:A9)", '=HYPERLINK("http://example.invalid","点")', "+1", "-1", "@SUM(A1)",
    "=cmd|' /C calc'!A0", "#N/A", "#DIV/0!", "NaN", "inf", "-0", "1e308", "0x10",
    "2021-02-30", "2021-13-01", "0000-00-00", "9999-12-31", "99999-1-1", "1900-02-29",
    "二〇二一年十三月五日", "二〇二一年二月三十日", "2021年3月5日下午25点", "2021.3.5（星期八）",
    "20210231", "44260", "44260.5", "2958466", "-1", "1949-01-01", "2100-01-01",
    "合计", "總計", "注：", "序号", "受理时间", "主要问题", "被反映人", "案号", "办案单位",
    "匿名", "來電", "ｅ－ｍａｉｌ", "网络举报", "其他", "是", "否", "TRUE", "√", "×",
    "13812345678", "138-1234-5678", "+86 138 1234 5678", "０１２３", "1" * 40,
    "长" * 3000, "a" * 40_000,
    0, -0.0, 1, -1, 0.5, 1e308, -1e308, 1e-308, 2**63, 10**30, float("nan"), float("inf"),
    44260, 44260.75, 20210305, 2958466, -44260,
    True, False,
    dt.datetime(1900, 1, 1), dt.datetime(1899, 12, 30, 12), dt.date(9999, 12, 31),  # noqa: DTZ001 - cells have no zone
    dt.date(1, 1, 1), dt.date(2099, 12, 31), dt.date(2021, 3, 5), dt.time(23, 59, 59),
    dt.timedelta(days=-5), dt.timedelta(hours=36),
)  # fmt: skip
HEADER_WORDS = (
    "受理时间", "受 理 时 间", "受理時間", "受理时间（年月日）", "受理\n时间", "*受理时间", "日期",
    "来源渠道", "來源渠道", "被反映人", "被反映人姓名", "所在单位", "工作單位", "主要问题",
    "反映內容", "问题类别", "序号", "案号", "案件编号", "办案单位", "受案日期", "立案日期",
    "涉案金额（万元）", "金额", "承办人", "备注", "", " ", "合计", "问题说明", "原行号",
)  # fmt: skip
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be",
             "utf-32", "latin-1", "cp1252", "shift_jis", "gb2312")  # fmt: skip
DELIMITERS = (",", "\t", ";", "|", " ", "，")
NAMES = ("台账.xlsx", "台账.xlsm", "台账.xls", "台账.csv", "台账.txt", "台账", "台 账 (1).XLSX",
         ".xlsx", "台账.CSV")  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Input:
    """One mutated file, reproducible from (seed, index)."""

    index: int
    seed_name: str
    kind: str
    name: str
    data: bytes
    steps: tuple[str, ...]


# ---- cells (the ledger is written again after these) ----


def _rows(ledger: Ledger) -> list[list[Any]]:
    return [list(r) for r in ledger.rows]


def _pick_cell(rng: Rng, rows: list[list[Any]]) -> tuple[int, int] | None:
    cells = [(r, c) for r, row in enumerate(rows) for c in range(len(row))]
    return rng.choice(cells) if cells else None


def m_cell_values(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    for _ in range(rng.randint(1, 8)):
        at = _pick_cell(rng, rows)
        if at is not None:
            rows[at[0]][at[1]] = rng.choice(EVIL_VALUES)
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_huge_cell(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    at = _pick_cell(rng, rows)
    if at is not None:
        size = rng.choice((33_000, 200_000, 1_100_000))
        rows[at[0]][at[1]] = rng.choice(("反映", "x", "長", "\u3000a")) * (size // 2)
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_formulas(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    for _ in range(rng.randint(1, 5)):
        at = _pick_cell(rng, rows)
        if at is not None:
            rows[at[0]][at[1]] = rng.choice(
                ("=A1", "=SUM(A1:A3)", "=1/0", '="2021-03-05"', "=TODAY()", "=B2&B3", "=NA()",
                 '=IF(1,"来电","来信")', "=DATE(2021,3,5)", "=A1:A2", "=Sheet9!A1")
            )  # fmt: skip
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_header(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    header = next((r for r in rows if sum(1 for c in r if c not in ("", None)) >= 3), None)
    if header:
        for _ in range(rng.randint(1, 4)):
            c = rng.randrange(len(header))
            choice = rng.random()
            if choice < 0.5:
                header[c] = rng.choice(HEADER_WORDS)
            elif choice < 0.7:
                header[c] = header[rng.randrange(len(header))]  # a duplicated header
            elif choice < 0.85:
                del header[c]
            else:
                header[c] = rng.choice(EVIL_VALUES)
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_move_header(rng: Rng, ledger: Ledger) -> Ledger:
    filler = [[""], ["某某单位问题线索登记表"], ["填报单位：办公室", "", "2021年"]]
    top = [list(rng.choice(filler)) for _ in range(rng.choice((1, 2, 5, 29, 30, 31, 40)))]
    return ledger.replace(rows=tuple(map(tuple, top + _rows(ledger))), merges=())


def m_rows(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    for _ in range(rng.randint(1, 6)):
        if not rows:
            break
        at = rng.randrange(len(rows))
        choice = rng.random()
        if choice < 0.2:
            del rows[at]
        elif choice < 0.4:
            rows.insert(at, list(rows[rng.randrange(len(rows))]))  # a duplicate (or the header)
        elif choice < 0.55:
            rows.insert(at, [""] * len(rows[at]))
        elif choice < 0.7:
            rows.insert(at, [rng.choice(("合计", "總計", "小 计")), "", "", "15"])
        elif choice < 0.85:
            rows.insert(at, [rng.choice(("注：以上数据截至3月底", "说明", "制表人：张三"))])
        else:
            rows[at] = rows[at][: rng.randrange(len(rows[at]) + 1)]  # a ragged row
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_width(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    extra = rng.choice((1, 30, 300))
    for r, row in enumerate(rows):
        if rng.random() < 0.5:
            row.extend(f"附加{r}_{i}" if r == 0 else rng.choice(("", "x", 1)) for i in range(extra))
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_empty(rng: Rng, ledger: Ledger) -> Ledger:
    rows = _rows(ledger)
    header_at = next((i for i, r in enumerate(rows) if "序号" in r or "案号" in r), 0)
    shape = rng.choice(("empty", "header_only", "no_header", "one_row", "blank_rows"))
    if shape == "empty":
        rows = []
    elif shape == "header_only":
        rows = rows[: header_at + 1]
    elif shape == "no_header":
        rows = rows[header_at + 1 :]
    elif shape == "one_row":
        rows = rows[: header_at + 2]
    else:
        rows = [[""] * 5 for _ in range(50)]
    return ledger.replace(rows=tuple(map(tuple, rows)), merges=())


def m_types(rng: Rng, ledger: Ledger) -> Ledger:
    """Dates and numbers written in other forms: serials, Chinese dates, text numbers."""
    rows = _rows(ledger)
    form = rng.choice(("serial", "chinese", "text", "compact", "datetime_text"))
    for row in rows:
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                day = value if not isinstance(value, dt.datetime) else value.date()
                if form == "serial":
                    row[c] = float((day - dt.date(1899, 12, 30)).days)
                elif form == "chinese":
                    weekday = "一二三四五六日"[day.weekday()]
                    row[c] = f"{day.year}年{day.month}月{day.day}日（星期{weekday}）"
                elif form == "compact":
                    row[c] = int(f"{day:%Y%m%d}")
                elif form == "datetime_text":
                    row[c] = f"{day:%Y/%m/%d} 下午3:15"
                else:
                    row[c] = str(value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and form == "text":
                row[c] = str(value)
    return ledger.replace(rows=tuple(map(tuple, rows)))


def m_merges(rng: Rng, ledger: Ledger) -> Ledger:
    if ledger.format != "xlsx" or not ledger.rows:
        return ledger
    height, width = len(ledger.rows), max(len(r) for r in ledger.rows) or 1
    merges = list(ledger.merges) if rng.random() < 0.5 else []
    for _ in range(rng.randint(1, 4)):
        r0, c0 = rng.randint(1, min(height, 4)), rng.randint(1, width)
        r1, c1 = r0 + rng.randint(0, 2), c0 + rng.randint(0, 3)
        merges.append(f"{_letters(c0)}{r0}:{_letters(c1)}{r1}")
    return ledger.replace(merges=tuple(merges))


def m_hidden_swap(rng: Rng, ledger: Ledger) -> Ledger:
    """The ledger in the hidden sheet, the visible one nearly empty."""
    if ledger.format != "xlsx":
        return ledger
    return ledger.replace(rows=(("说明",),), hidden=ledger.rows, merges=())


def m_encoding(rng: Rng, ledger: Ledger) -> Ledger:
    if ledger.format != "csv":
        return ledger
    return ledger.replace(encoding=rng.choice(ENCODINGS), delimiter=rng.choice(DELIMITERS))


CELL_MUTATIONS: tuple[Callable[[Rng, Ledger], Ledger], ...] = (
    m_cell_values, m_cell_values, m_huge_cell, m_formulas, m_header, m_header, m_move_header,
    m_rows, m_rows, m_width, m_empty, m_types, m_merges, m_hidden_swap, m_encoding, m_encoding,
)  # fmt: skip


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rem = divmod(column - 1, 26)
        out = chr(65 + rem) + out
    return out


# ---- bytes (any file) ----

_INTERESTING_BYTES = (b"\x00", b"\xff", b"\x7f", b"\x80", b"<", b">", b'"', b"\n", b",", b"9",
                      b"\xef\xbb\xbf", b"\xe4\xb8", b"PK\x03\x04", b"&")  # fmt: skip


def b_truncate(rng: Rng, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def b_flip(rng: Rng, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def b_overwrite(rng: Rng, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    chunk = rng.choice(_INTERESTING_BYTES) * rng.randint(1, 64)
    return data[:at] + chunk + data[at + len(chunk) :]


def b_insert(rng: Rng, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    chunk = rng.choice((rng.randbytes(rng.randint(1, 256)), rng.choice(_INTERESTING_BYTES) * 1000))
    return data[:at] + chunk + data[at:]


def b_delete(rng: Rng, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 512) :]


def b_duplicate(rng: Rng, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    span = data[at : at + rng.randint(1, 4096)]
    return data[:at] + span * rng.randint(2, 4) + data[at + len(span) :]


def b_append(rng: Rng, data: bytes) -> bytes:
    return data + rng.choice((rng.randbytes(rng.randint(1, 4096)), b"\x00" * 100, data[:512]))


BYTE_MUTATIONS: tuple[Callable[[Rng, bytes], bytes], ...] = (
    b_truncate, b_flip, b_flip, b_overwrite, b_insert, b_delete, b_duplicate, b_append,
)  # fmt: skip


# ---- zip members and XML of an .xlsx ----

Members = list[tuple[str, bytes]]


def _members(data: bytes) -> Members | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(i.filename, archive.read(i)) for i in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return None
    except Exception:  # zlib.error and struct.error from damaged archives
        return None


def _pick(rng: Rng, members: Members, pattern: str = "") -> int | None:
    found = [i for i, (name, _) in enumerate(members) if re.search(pattern, name)]
    return rng.choice(found) if found else None


def z_drop(rng: Rng, members: Members) -> Members:
    i = _pick(rng, members)
    return members[:i] + members[i + 1 :] if i is not None else members


def z_swap(rng: Rng, members: Members) -> Members:
    if len(members) < 2:
        return members
    i, j = rng.sample(range(len(members)), 2)
    out = list(members)
    out[i], out[j] = (members[i][0], members[j][1]), (members[j][0], members[i][1])
    return out


def z_rename(rng: Rng, members: Members) -> Members:
    i = _pick(rng, members)
    if i is None:
        return members
    name, body = members[i]
    new = rng.choice((name.upper(), name.replace("sheet1", "sheet9"), "../" + name, "/" + name,
                      name + "\x00", name.replace("/", "\\")))  # fmt: skip
    return [*members[:i], (new, body), *members[i + 1 :]]


def z_duplicate(rng: Rng, members: Members) -> Members:
    i = _pick(rng, members)
    if i is None:
        return members
    name, _ = members[i]
    other = members[rng.randrange(len(members))][1]
    return [*members, (name, other)]


def z_member_bytes(rng: Rng, members: Members) -> Members:
    """Damage inside a member, zipped again: the CRC is right, the XML is not."""
    i = _pick(rng, members, r"\.xml$|\.rels$")
    if i is None:
        return members
    name, body = members[i]
    for _ in range(rng.randint(1, 3)):
        body = rng.choice(BYTE_MUTATIONS)(rng, body)
    return [*members[:i], (name, body), *members[i + 1 :]]


def _edit(members: Members, i: int, body: bytes) -> Members:
    return [*members[:i], (members[i][0], body), *members[i + 1 :]]


def _after_declaration(body: bytes) -> int:
    m = re.match(rb"\s*<\?xml[^>]*\?>", body)
    return m.end() if m else 0


def x_doctype(rng: Rng, members: Members) -> Members:
    i = _pick(rng, members, r"\.xml$|\.rels$")
    if i is None:
        return members
    body = members[i][1]
    payload = rng.choice((
        b'<!DOCTYPE x [<!ENTITY a "' + b"A" * 1000 + b'"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd">%p;]>',
        b"<!-- " + b"c" * 70_000 + b' --><!DOCTYPE x [<!ENTITY a "b">]>',
        b" " * 70_000 + b'<!DOCTYPE x [<!ENTITY a "b">]>',
        b'<!ENTITY a "b">',
    ))  # fmt: skip
    at = _after_declaration(body)
    body = body[:at] + payload + body[at:]
    if rng.random() < 0.5:
        body = re.sub(rb"<t>[^<]*</t>", b"<t>&b;&e;</t>", body, count=3)
    return _edit(members, i, body)


_CELL_TYPES = (b"s", b"n", b"b", b"d", b"e", b"str", b"inlineStr", b"x", b"")
_VALUES = (b"", b"abc", b"-1", b"1e308", b"-1e308", b"NaN", b"inf", b"2958466", b"99999999",
           b"1.7976931348623157e309", b"44260.999999999", b"0x1F", b"2021-03-05T00:00:00",
           b"2021-02-30", b"9" * 400, b"#DIV/0!", b"TRUE", b"2", b"4294967296",
           b"-2147483649")  # fmt: skip


def x_cells(rng: Rng, members: Members) -> Members:
    """Cell types, values, references and styles changed in a worksheet."""
    i = _pick(rng, members, r"xl/worksheets/.*\.xml$")
    if i is None:
        return members
    body = members[i][1]
    edits = rng.randint(1, 6)

    def type_of(m: re.Match[bytes]) -> bytes:
        return b' t="' + rng.choice(_CELL_TYPES) + b'"' if rng.random() < 0.3 else m.group()

    def value_of(m: re.Match[bytes]) -> bytes:
        return b"<v>" + rng.choice(_VALUES) + b"</v>" if rng.random() < 0.3 else m.group()

    def ref_of(m: re.Match[bytes]) -> bytes:
        if rng.random() >= 0.2:
            return m.group()
        ref = rng.choice((b"A0", b"XFD1048576", b"", b"1A", b"AAAA1", b"A99999999", b"B1048577",
                          b"ZZ10", b"a1"))  # fmt: skip
        return b'<c r="' + ref + b'"'

    def style_of(m: re.Match[bytes]) -> bytes:
        return b' s="' + str(rng.choice((0, 1, 999, -1))).encode() + b'"'

    for _ in range(edits):
        kind = rng.random()
        if kind < 0.3:
            body = re.sub(rb' t="[^"]*"', type_of, body)
        elif kind < 0.6:
            body = re.sub(rb"<v>[^<]*</v>", value_of, body)
        elif kind < 0.8:
            body = re.sub(rb'<c r="[^"]*"', ref_of, body)
        else:
            body = re.sub(rb' s="[^"]*"', style_of, body, count=rng.randint(1, 20))
    return _edit(members, i, body)


def x_structure(rng: Rng, members: Members) -> Members:
    """Sheet-level oddities: huge dimension, merges, rows out of order, tags removed, formulas."""
    i = _pick(rng, members, r"xl/worksheets/.*\.xml$")
    if i is None:
        return members
    body = members[i][1]
    kind = rng.choice(("dimension", "merges", "row_numbers", "tag", "formula", "inline_huge",
                       "empty", "many_rows"))  # fmt: skip
    if kind == "dimension":
        body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body)
    elif kind == "merges":
        refs = rng.choice((b"A1:XFD1048576", b"B2:A1", b"A1:A1", b"junk", b"A2:D3", b"A1:J2"))
        merge = b'<mergeCells count="1"><mergeCell ref="' + refs + b'"/></mergeCells>'
        body = body.replace(b"</sheetData>", b"</sheetData>" + merge, 1)
    elif kind == "row_numbers":
        body = re.sub(
            rb'<row r="\d+"',
            lambda _m: b'<row r="' + str(rng.choice((1, 2, 0, 1048576, 5))).encode() + b'"',
            body,
        )
    elif kind == "tag":
        tags = re.findall(rb"</?[a-zA-Z]+", body)
        if tags:
            body = body.replace(rng.choice(tags), b"", 1)
    elif kind == "formula":
        body = re.sub(rb"(<c [^>]*>)(<v>)", rb"\1<f>SUM(A1:A9)/0</f>\2", body, count=5)
    elif kind == "inline_huge":
        cell = b'<c r="B2" t="inlineStr"><is><t>' + "反映".encode() * 300_000 + b"</t></is></c>"
        body = re.sub(rb'(<row r="2"[^>]*>)', rb"\1" + cell, body, count=1)
    elif kind == "empty":
        body = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", body, flags=re.DOTALL)
    else:
        rows = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % r for r in range(100, 20_100))
        body = body.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return _edit(members, i, body)


def x_workbook(rng: Rng, members: Members) -> Members:
    """The workbook's sheet list and relationships: hidden, missing, misdirected sheets."""
    i = _pick(rng, members, r"xl/workbook\.xml$|xl/_rels/workbook\.xml\.rels$|sharedStrings")
    if i is None:
        return members
    name, body = members[i]
    if name.endswith(".rels"):
        target = rng.choice((b"../../../../etc/passwd", b"/xl/worksheets/sheet9.xml",
                             b"http://example.invalid/x.xml", b"worksheets/", b""))  # fmt: skip
        body = re.sub(rb'Target="worksheets/sheet1\.xml"', b'Target="' + target + b'"', body)
    elif name.endswith("sharedStrings.xml"):
        body = re.sub(rb'(count|uniqueCount)="\d+"', rb'\1="4294967297"', body)
        if rng.random() < 0.5:
            body = re.sub(rb"<si>.*?</si>", b"", body, count=rng.randint(1, 5), flags=re.DOTALL)
    else:
        kind = rng.choice(("hidden", "no_sheets", "names", "date1904"))
        if kind == "hidden":
            body = body.replace(b'<sheet name="', b'<sheet state="veryHidden" name="')
        elif kind == "no_sheets":
            body = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", body, flags=re.DOTALL)
        elif kind == "names":
            new = rng.choice(("", "台账" * 40, "台账", "a/b", "\u202e台账"))
            body = re.sub(rb'<sheet name="[^"]*"', b'<sheet name="' + new.encode() + b'"', body)
        else:
            body = body.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
    return _edit(members, i, body)


def x_encoding(rng: Rng, members: Members) -> Members:
    i = _pick(rng, members, r"xl/(worksheets/sheet1|sharedStrings|workbook)\.xml$")
    if i is None:
        return members
    body = members[i][1]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return members
    if rng.random() < 0.5:
        text = "\ufeff" + text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        data = text.encode("utf-16-le")
    else:
        data = text.replace('encoding="UTF-8"', 'encoding="GB2312"').encode("gb18030", "replace")
    return _edit(members, i, data)


ZIP_MUTATIONS: tuple[Callable[[Rng, Members], Members], ...] = (
    z_drop, z_swap, z_rename, z_duplicate, z_member_bytes, z_member_bytes, x_doctype, x_cells,
    x_cells, x_cells, x_structure, x_structure, x_workbook, x_workbook, x_encoding,
)  # fmt: skip


# ---- one input ----


def make_input(
    seed: int, index: int, ledgers: Sequence[Ledger], rendered: dict[str, bytes]
) -> Input:
    """Input `index` of the run with this `seed`: a seed ledger with one to four mutations."""
    rng = random.Random(f"{seed}:{index}")
    ledger = rng.choice(ledgers)
    steps: list[str] = [ledger.name]
    data = rendered[ledger.name]
    name = ledger.name
    if rng.random() < 0.45:
        mutated = ledger
        for _ in range(rng.randint(1, 2)):
            mutation = rng.choice(CELL_MUTATIONS)
            mutated = mutation(rng, mutated)
            steps.append(mutation.__name__)
        try:
            data = render(mutated)
        except Unwritable:
            steps.append("unwritable")
    if len(steps) == 1 or rng.random() < 0.6:
        members = _members(data) if ledger.format == "xlsx" else None
        for _ in range(rng.randint(1, 3)):
            if members is not None and rng.random() < 0.75:
                zip_mutation = rng.choice(ZIP_MUTATIONS)
                members = zip_mutation(rng, members)
                steps.append(zip_mutation.__name__)
            else:
                if members is not None:
                    data, members = canonical_zip(b"", members), None
                byte_mutation = rng.choice(BYTE_MUTATIONS)
                data = byte_mutation(rng, data)
                steps.append(byte_mutation.__name__)
        if members is not None:
            data = canonical_zip(b"", members)
    if rng.random() < 0.08:
        name = rng.choice(NAMES)
        steps.append(f"named {name}")
    return Input(index, ledger.name, ledger.kind, name, data, tuple(steps))
