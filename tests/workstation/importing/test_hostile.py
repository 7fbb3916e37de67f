"""Hostile and broken files: a clear refusal or a correct import, quickly, the store intact."""

from __future__ import annotations

import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from importing_helpers import LEAD_HEADER, TODAY, Files, counts, lead_row

from workstation.importing import FileRefused, ImportOptions, run_import, safety
from workstation.services.auth import Actor
from workstation.store import Store

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")
                                              for _ in range(10)))
        for i in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)  # fmt: skip


def _refused(store: Store, actor: Actor, path: Path, message: str) -> None:
    before = counts(store)
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused, match=message):
            run_import(store, actor, path, ImportOptions("leads", today=TODAY))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Refused before inflating or parsing: a bomb that got expanded would take far more.
    assert peak < 64 * 2**20, peak
    assert counts(store) == before


def _valid(files: Files, name: str = "台账.xlsx") -> Path:
    return files.xlsx(name, [LEAD_HEADER, lead_row(1), lead_row(2)])


def _replace_part(source: Path, target: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, data if info.filename == part else old.read(info))
    return target


def test_random_bytes_named_xlsx(store: Store, admin: Actor, files: Files) -> None:
    path = files.folder / "台账.xlsx"
    path.write_bytes(os.urandom(64 * 1024))
    _refused(store, admin, path, "不是 Excel 工作簿.*可能已损坏")


def test_empty_file(store: Store, admin: Actor, files: Files) -> None:
    path = files.folder / "空.xlsx"
    path.write_bytes(b"")
    _refused(store, admin, path, "是空文件")


def test_truncated_zip(store: Store, admin: Actor, files: Files) -> None:
    data = _valid(files).read_bytes()
    path = files.folder / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(store, admin, path, "已损坏")


def test_a_zip_that_is_not_a_workbook(store: Store, admin: Actor, files: Files) -> None:
    path = files.folder / "文档.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    _refused(store, admin, path, "不是 Excel 工作簿")


def test_encrypted_workbook(store: Store, admin: Actor, files: Files) -> None:
    """An encrypted .xlsx is an OLE2 container with an EncryptionInfo stream."""
    path = files.folder / "加密.xlsx"
    header = safety.OLE2_MAGIC + bytes(504)
    entry = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    path.write_bytes(header + entry + "EncryptedPackage".encode("utf-16-le") + os.urandom(4096))
    _refused(store, admin, path, "文件已加密，请先在 Excel 中取消密码后再导入")


def test_an_ole2_file_that_is_no_workbook(store: Store, admin: Actor, files: Files) -> None:
    path = files.folder / "旧格式.xls"
    path.write_bytes(safety.OLE2_MAGIC + os.urandom(8192))
    _refused(store, admin, path, "无法作为工作簿读取")


def test_xml_entity_bomb(store: Store, admin: Actor, files: Files) -> None:
    path = _replace_part(
        _valid(files), files.folder / "炸弹.xlsx", "xl/worksheets/sheet1.xml", BILLION_LAUGHS
    )
    _refused(store, admin, path, "DOCTYPE/ENTITY")


def test_declared_size_beyond_the_limit_is_refused_before_inflating(
    store: Store, admin: Actor, files: Files
) -> None:
    path = _replace_part(
        _valid(files), files.folder / "声明.xlsx", "xl/worksheets/sheet1.xml", b"<x/>" * 10
    )
    # Declare 3 GB for the sheet, in the local header and in the central directory.
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 3 * 1024**3)
            at += 4
    path.write_bytes(bytes(data))
    _refused(store, admin, path, "疑似压缩炸弹")


def test_compression_ratio_beyond_the_limit(store: Store, admin: Actor, files: Files) -> None:
    path = files.folder / "比例.xlsx"
    with (
        zipfile.ZipFile(_valid(files)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
        new.writestr("xl/media/padding.xml", b" " * (64 * 1024 * 1024))
    _refused(store, admin, path, "压缩比高达 .* 倍")


def test_a_part_that_inflates_beyond_its_declared_size(
    store: Store, admin: Actor, files: Files
) -> None:
    big = b"<worksheet>" + b" " * 100_000 + b"</worksheet>"
    path = _replace_part(_valid(files), files.folder / "谎报.xlsx", "xl/worksheets/sheet1.xml", big)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            if data[at + name_offset : at + name_offset + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 1000)
            at += 4
    path.write_bytes(bytes(data))
    _refused(store, admin, path, "已损坏|不符")


def test_a_file_too_large_for_memory_is_refused_before_reading(
    store: Store, admin: Actor, files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safety, "MEMORY_LIMIT_BYTES", 1000)
    _refused(store, admin, _valid(files), "太大：读取它估计需要")


def test_csv_text_named_xlsx_is_refused_with_advice(
    store: Store, admin: Actor, files: Files
) -> None:
    path = files.csv("台账.xlsx", [LEAD_HEADER, lead_row(1)])
    _refused(store, admin, path, "请把扩展名改为 .csv")


@pytest.mark.parametrize(("real", "named"), [("xls", "台账.xlsx"), ("xlsx", "台账.csv")])
def test_a_real_workbook_under_the_wrong_extension_imports(
    store: Store, admin: Actor, files: Files, real: str, named: str
) -> None:
    rows = [LEAD_HEADER, lead_row(1), lead_row(2)]
    made = files.xls("x.xls", rows) if real == "xls" else files.xlsx("x.xlsx", rows)
    path = made.rename(files.folder / named)
    result = run_import(store, admin, path, ImportOptions("leads", today=TODAY))
    assert (result.format, result.imported) == (real, 2)


def _million_empty_rows(path: Path) -> Path:
    """A sheet of a header, one lead and a million rows that have a style and nothing else."""
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(["受理时间", "主要问题"])
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:O1000000"/><sheetData>'
        f'<row r="1">{cells}</row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>2021-03-05</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>反映问题</t></is></c></row>'
    ).encode()
    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="O%d" s="1"/></row>' % (r, r, r)
        for r in range(3, 1_000_001)
    )
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    root = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", head + rows + b"</sheetData></worksheet>")
    return path


def test_a_million_formatted_empty_rows_import_quickly(
    store: Store, admin: Actor, files: Files
) -> None:
    path = _million_empty_rows(files.folder / "格式.xlsx")
    result = run_import(store, admin, path, ImportOptions("leads", today=TODAY))
    assert (result.imported, result.rejected, result.data_rows) == (1, [], 1)


def test_one_value_far_away_would_need_a_huge_grid(
    store: Store, admin: Actor, files: Files
) -> None:
    """calamine holds a sheet as a dense grid up to its farthest value: XFD1048576 is refused."""

    def far(ws: object) -> None:
        ws["XFD1048576"] = "x"  # type: ignore[index]

    path = files.xlsx("远.xlsx", [LEAD_HEADER, lead_row(1)], edit=far)
    _refused(store, admin, path, "有数据的区域过大")


def test_a_wide_ledger_is_not_mistaken_for_a_far_away_value(
    store: Store, admin: Actor, files: Files
) -> None:
    header = [*LEAD_HEADER, *(f"备注{i}" for i in range(40))]
    rows = [header, *([*lead_row(i), *("x" for _ in range(40))] for i in range(1, 50))]
    result = run_import(
        store, admin, files.xlsx("宽.xlsx", rows), ImportOptions("leads", today=TODAY)
    )
    assert result.imported == 49
