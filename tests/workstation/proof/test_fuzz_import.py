"""Mutated ledgers fed to the importer: the only failure allowed is its own clear refusal.

The bounded run here tries FUZZ_INPUTS inputs of one seed (`python -m fuzz` runs thousands by
hand); the tests before it are the inputs the fuzzer found that once crashed the importer or
took the whole process down, each cut to its essence."""

from __future__ import annotations

import codecs
import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from fuzz import supervisor
from fuzz.seeds import LEAD_HEADER, canonical_zip, lead_row, ledgers, render
from fuzz.state import store_state
from workstation.errors import WorkstationError
from workstation.importing import FileRefused, ImportOptions, preview, run_import
from workstation.importing.headers import HEADER_CHARS, header_key
from workstation.importing.ole2 import ENDOFCHAIN, Damaged, check_structure
from workstation.importing.readers import is_panic
from workstation.importing.safety import check_file
from workstation.services.auth import Actor
from workstation.store import Store

# The parsers' proof: the store only witnesses that nothing was written, by the exact state of
# its SQLite file (fuzz.state); the same refusals happen before any store is touched.
pytestmark = pytest.mark.sqlite_only

FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "2021"))
FUZZ_INPUTS = int(os.environ.get("FUZZ_INPUTS", "600"))


def _refused_without_trace(store: Store, admin: Actor, path: Path, message: str) -> None:
    """preview and run_import both refuse with `message`, and the store is as it was."""
    assert store.path is not None
    before = store_state(store.path)
    with pytest.raises(FileRefused, match=message):
        preview(path, "leads")
    with pytest.raises(FileRefused, match=message):
        run_import(store, admin, path, ImportOptions("leads"))
    assert store_state(store.path).exact == before.exact


def _csv_text(rows: list[list[object]]) -> str:
    return "\n".join(",".join(str(v) for v in row) for row in rows) + "\n"


# ---- CSV: a byte-order mark that promises an encoding the rest does not keep ----


def test_a_utf8_bom_over_gbk_bytes_is_refused(tmp_path: Path, store: Store, admin: Actor) -> None:
    path = tmp_path / "台账.csv"
    head = _csv_text([LEAD_HEADER]).encode("utf-8")
    path.write_bytes(codecs.BOM_UTF8 + head + _csv_text([lead_row(1)]).encode("gb18030"))
    _refused_without_trace(store, admin, path, "“台账.csv”的文字编码无法识别")


def test_a_utf16_bom_over_a_broken_surrogate_is_refused(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    path = tmp_path / "台账.csv"
    text = _csv_text([LEAD_HEADER, lead_row(1)]).encode("utf-16-le")
    path.write_bytes(codecs.BOM_UTF16_LE + text + b"\x00\xd8A\x00")  # a lone high surrogate
    _refused_without_trace(store, admin, path, "“台账.csv”的文字编码无法识别")


def test_a_csv_cell_too_large_in_the_first_lines_is_refused_by_row(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    path = tmp_path / "台账.csv"
    row = lead_row(1)
    row[7] = "反映" * 600_000  # 1.2 million characters in one cell
    path.write_text(_csv_text([LEAD_HEADER, row]), encoding="utf-8")
    _refused_without_trace(store, admin, path, "CSV 文件“台账.csv”第 2 行无法读取")


def test_rejected_rows_with_control_characters_go_to_the_rejects_workbook(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    from openpyxl import load_workbook

    bad = lead_row(2)
    bad[1] = "无法识别的日期"
    bad[7] = "主要问题\x01\x08含控制字符"
    path = tmp_path / "台账.csv"
    # Enough text around them for the file to pass as text (a few control characters may).
    good = [lead_row(n) for n in range(3, 33)]
    path.write_text(_csv_text([LEAD_HEADER, bad, *good]), encoding="utf-8")
    rejects = tmp_path / "问题行.xlsx"
    result = run_import(store, admin, path, ImportOptions("leads", rejects=rejects))
    assert (result.imported, [r.row for r in result.rejected]) == (30, [2])
    book = load_workbook(rejects, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    assert rows[1][7] == "主要问题\ufffd\ufffd含控制字符"


def test_a_rejected_row_quotes_a_paragraph_in_a_date_column_cut_short(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    bad = lead_row(2)
    bad[1] = "反映" * 50_000
    path = tmp_path / "台账.csv"
    path.write_text(_csv_text([LEAD_HEADER, lead_row(1), bad]), encoding="utf-8")
    result = run_import(store, admin, path, ImportOptions("leads"))
    [rejected] = result.rejected
    assert rejected.reason == f"受理时间“{'反映' * 24}反…”无法识别"


def test_a_rejected_row_quoting_a_cell_with_quote_marks_is_cut_short_too(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    bad = lead_row(2)
    bad[2] = "网上”" + "举报　" * 10_000  # a closing quote mark inside the channel cell
    path = tmp_path / "台账.csv"
    path.write_text(_csv_text([LEAD_HEADER, lead_row(1), bad]), encoding="utf-8")
    [rejected] = run_import(store, admin, path, ImportOptions("leads")).rejected
    assert rejected.reason.startswith("来源渠道“网上”举报")
    assert rejected.reason.endswith("）")
    assert "不是可选值（可选：来电、来信" in rejected.reason
    assert len(rejected.reason) < 300


@pytest.mark.parametrize("amount", ["110101199003071234", "1e30", "9" * 40])
def test_an_amount_beyond_any_case_is_a_rejected_row(
    tmp_path: Path, store: Store, admin: Actor, amount: str
) -> None:
    """An ID number pasted into 涉案金额 overflowed the store's integer column (a crash), and
    30 digits broke the rounding (decimal.InvalidOperation)."""
    header = ["案号", "办案单位", "受案日期", "涉案金额"]
    rows = [header, ["A1", "江州市公安局", "2021-03-01", "1200"],
            ["A2", "江州市公安局", "2021-03-02", amount]]  # fmt: skip
    path = tmp_path / "案件.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    result = run_import(store, admin, path, ImportOptions("cases"))
    assert result.imported == 1
    [rejected] = result.rejected
    assert (rejected.row, rejected.field) == (3, "amount")
    assert "超出合理范围" in rejected.reason


# ---- .xlsx ----


def _workbook_members(tmp_path: Path) -> list[tuple[str, bytes]]:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (LEAD_HEADER, lead_row(1)):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def test_a_workbook_listing_no_sheets_is_refused(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    members = []
    for name, body in _workbook_members(tmp_path):
        if name == "xl/workbook.xml":
            start, end = body.index(b"<sheets>"), body.index(b"</sheets>") + len(b"</sheets>")
            body = body[:start] + b"<sheets/>" + body[end:]
        members.append((name, body))
    path = tmp_path / "台账.xlsx"
    path.write_bytes(canonical_zip(b"", members))
    _refused_without_trace(store, admin, path, "“台账.xlsx”中没有工作表")


def test_a_zip_claiming_an_unknown_version_is_refused(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    data = bytearray(canonical_zip(b"", _workbook_members(tmp_path)))
    at = data.index(b"PK\x01\x02")  # the first central directory entry
    data[at + 6] = 148  # "version needed to extract": 14.8
    path = tmp_path / "台账.xlsx"
    path.write_bytes(bytes(data))
    _refused_without_trace(store, admin, path, "“台账.xlsx”已损坏，无法读取")


def test_a_sheet_listed_but_missing_from_the_archive_is_called_damaged(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    """Was: 中没有名为“台账”的工作表（有：台账）."""
    members = [
        (name.replace("sheet1.xml", "sheet9.xml"), body)
        for name, body in _workbook_members(tmp_path)
    ]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(canonical_zip(b"", members))
    _refused_without_trace(
        store, admin, path, "的工作表“Sheet”无法读取（文件已损坏，找不到其内容）"
    )


def test_a_header_cell_of_a_paragraph_is_cut_short_in_the_message(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    header = [h for h in LEAD_HEADER if h != "主要问题"] + ["长" * 500_000]
    path = tmp_path / "台账.csv"
    path.write_text(_csv_text([header, lead_row(1)]), encoding="utf-8")
    with pytest.raises(WorkstationError) as refused:
        run_import(store, admin, path, ImportOptions("leads"))
    assert "找不到“主要问题”列" in refused.value.message
    assert len(refused.value.message) < 1_000
    assert "长" * 29 + "…" in refused.value.message


def test_a_message_quoting_header_cells_shows_no_control_characters(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    header = [h for h in LEAD_HEADER if h != "主要问题"] + ["备\x01注"]
    path = tmp_path / "台账.csv"
    path.write_text(_csv_text([header, *(lead_row(n) for n in range(1, 30))]), encoding="utf-8")
    with pytest.raises(WorkstationError, match="找不到“主要问题”列") as refused:
        run_import(store, admin, path, ImportOptions("leads"))
    assert "备 注" in refused.value.message


def test_a_zip_whose_library_error_repeats_its_bytes_gives_a_short_message(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    """A local header claiming an 8 KB file name: zipfile's error quotes all of it."""
    data = bytearray(canonical_zip(b"", _workbook_members(tmp_path)))
    struct.pack_into("<H", data, 26, 0x2222)  # the first member's file name length
    path = tmp_path / "台账.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(FileRefused, match=r"“台账\.xlsx”已损坏") as refused:
        run_import(store, admin, path, ImportOptions("leads"))
    assert len(refused.value.message) < 400


def test_a_header_row_cell_full_of_opening_brackets_is_read_only_as_far_as_a_header_goes(
    tmp_path: Path,
) -> None:
    """Removing bracketed notes from a header took time quadratic in the cell's length: a
    paragraph of brackets in the top rows kept the import busy for minutes."""
    cell = "（" * 300_000
    assert header_key(cell + "受理时间") == header_key(cell[:HEADER_CHARS])
    path = tmp_path / "台账.csv"
    path.write_text(_csv_text([[*LEAD_HEADER, cell], lead_row(1)]), encoding="utf-8")
    shown = preview(path, "leads")
    assert [c.field for c in shown.columns][:3] == ["_seq", "received_on", "channel"]
    assert shown.columns[-1].field is None


# ---- .xls: compound files whose sector chains loop or leave their table ----
#
# calamine follows a looping chain until the process is killed, and panics on a link past its
# allocation table: these are refused before it reads them.

FREE, FATSECT = 0xFFFFFFFF, 0xFFFFFFFD


def _compound_file(
    fat: list[int], mini_fat: list[int], stream: tuple[int, int], root: tuple[int, int]
) -> bytes:
    """A 512-byte-sector compound file: sector 0 the FAT, 1 the directory, 2 the mini FAT,
    3 the mini stream; one stream "Workbook" at (start, length), the root at (start, length)."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, 1, 1, 0)  # one FAT sector; directory at 1
    struct.pack_into("<IIIII", header, 56, 4096, 2, 1, ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, 0, *[FREE] * 108)

    def entry(name: str, kind: int, start: int, length: int) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        raw[: len(encoded)] = encoded
        struct.pack_into("<HB", raw, 64, len(encoded), kind)
        struct.pack_into("<II", raw, 116, start, length)
        return bytes(raw)

    directory = entry("Root Entry", 5, *root) + entry("Workbook", 2, *stream) + bytes(256)
    sectors = [
        struct.pack("<128I", *fat, *[FREE] * (128 - len(fat))),
        directory,
        struct.pack("<128I", *mini_fat, *[FREE] * (128 - len(mini_fat))),
        b"x" * 512,
    ]
    return bytes(header) + b"".join(sectors)


SOUND_FAT = [FATSECT, ENDOFCHAIN, ENDOFCHAIN, ENDOFCHAIN]


def test_a_sound_compound_file_with_a_mini_stream_passes(tmp_path: Path) -> None:
    path = tmp_path / "台账.xls"
    path.write_bytes(_compound_file(SOUND_FAT, [1, ENDOFCHAIN], stream=(0, 100), root=(3, 100)))
    check_structure(path, max_cells=10**6)


@pytest.mark.parametrize(
    ("fat", "mini_fat", "stream", "problem"),
    [
        ([FATSECT, 1, ENDOFCHAIN, ENDOFCHAIN], [1, ENDOFCHAIN], (0, 100), "directory chain loops"),
        (SOUND_FAT, [1, 0], (0, 100), "stream chain loops"),
        (SOUND_FAT, [1, ENDOFCHAIN], (5, 100), "past the end"),
        (SOUND_FAT, [1, ENDOFCHAIN], (0, 5000), "past the end"),
        ([FATSECT, 200, ENDOFCHAIN, ENDOFCHAIN], [1, ENDOFCHAIN], (0, 100), "past the end"),
    ],
    ids=["directory-loop", "mini-stream-loop", "mini-past-end", "stream-in-fat", "dir-past-end"],
)
def test_compound_files_calamine_could_not_survive_are_refused(
    tmp_path: Path, fat: list[int], mini_fat: list[int], stream: tuple[int, int], problem: str
) -> None:
    path = tmp_path / "台账.xls"
    path.write_bytes(_compound_file(fat, mini_fat, stream=stream, root=(3, 100)))
    with pytest.raises(Damaged, match=problem):
        check_structure(path, max_cells=10**6)
    with pytest.raises(FileRefused, match=r"“台账\.xls”已损坏（工作簿结构有误"):
        check_file(path)


def test_a_difat_chain_that_loops_is_refused(tmp_path: Path) -> None:
    data = bytearray(_compound_file(SOUND_FAT, [1, ENDOFCHAIN], stream=(0, 100), root=(3, 100)))
    struct.pack_into("<I", data, 68, 3)  # the DIFAT continues in sector 3 ...
    struct.pack_into("<128I", data, 4 * 512, *[FREE] * 127, 3)  # ... which continues in itself
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(Damaged, match="DIFAT chain loops back to sector 3"):
        check_structure(path, max_cells=10**6)


def test_an_xls_that_makes_calamine_panic_is_refused(
    tmp_path: Path, store: Store, admin: Actor
) -> None:
    """One bit set in a record length of an .xls made calamine 0.37 panic (a Rust slice out of
    range), which reached Python as PanicException, a BaseException nothing caught."""
    import python_calamine

    ledger = next(ledger for ledger in ledgers() if ledger.name == "线索.xls")
    data = bytearray(render(ledger))
    data[1493] = 64
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(data))
    # Still a panic in calamine itself (drop these lines once an upgrade of calamine fixes it).
    with pytest.raises(BaseException, match="out of range for slice") as raised:
        python_calamine.CalamineWorkbook.from_path(str(path))
    assert is_panic(raised.value)
    _refused_without_trace(store, admin, path, r"“台账\.xls”无法作为工作簿读取（文件已损坏")


def _xls() -> bytearray:
    """A small real .xls (xlwt: 512-byte sectors, one FAT sector, no mini stream)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    for r, row in enumerate((LEAD_HEADER, lead_row(1))):
        for c, value in enumerate(row):
            sheet.write(r, c, str(value))
    out = io.BytesIO()
    book.save(out)
    return bytearray(out.getvalue())


def _record_offset(data: bytearray, kind: int) -> int:
    """Where in the file the data of the first BIFF record of `kind` starts."""
    (fat_sector,) = struct.unpack_from("<I", data, 76)
    fat = struct.unpack_from("<128I", data, (fat_sector + 1) * 512)
    (sid,) = struct.unpack_from("<I", data, (struct.unpack_from("<I", data, 48)[0] + 1) * 512 + 244)
    sectors = []  # the Workbook stream (the second directory entry)
    while sid != ENDOFCHAIN:
        sectors.append(sid)
        sid = fat[sid]
    stream = b"".join(data[(s + 1) * 512 : (s + 2) * 512] for s in sectors)
    at = 0
    while struct.unpack_from("<H", stream, at)[0] != kind:
        at += 4 + struct.unpack_from("<H", stream, at + 2)[0]
    at += 4
    return (sectors[at // 512] + 1) * 512 + at % 512


@pytest.mark.parametrize(
    ("offset", "value", "problem"),
    [
        (0, 0x100000, r"rows 1048576\.\.2,"),  # found: a first row after the last, 1.7 TB reserved
        (4, 0x1000000, r"rows 0\.\.16777216,"),  # more rows than an .xls sheet has
        (8, 50, r"rows 0\.\.2, columns 50\.\.10"),  # a first column after the last
    ],
    ids=["first-row-after-last", "too-many-cells", "first-column-after-last"],
)
def test_an_xls_sheet_claiming_impossible_dimensions_is_refused(
    tmp_path: Path, offset: int, value: int, problem: str
) -> None:
    """calamine reserves room for a sheet's cells from the DIMENSIONS record before reading
    them; a failed allocation aborts the process."""
    data = _xls()
    at = _record_offset(data, 0x0200) + offset
    struct.pack_into("<H" if offset >= 8 else "<I", data, at, value)
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(FileRefused, match="a sheet's dimensions are " + problem):
        check_file(path)


def test_an_xls_cell_far_from_the_others_is_refused_before_reading(tmp_path: Path) -> None:
    """calamine holds a sheet as a dense grid from its least to its greatest cell: a cell moved
    to row and column 11308 (in .xls a column beyond IV cannot exist) asked for 4 GB."""
    data = _xls()
    struct.pack_into("<HH", data, _record_offset(data, 0x00FD), 11308, 11308)  # a LabelSst
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(FileRefused, match="span a grid of 127,893,481 cells"):
        check_file(path)


def test_an_xls_whose_directory_chain_loops_is_refused_before_reading(tmp_path: Path) -> None:
    """The first abort the fuzzer found: bytes inserted into an .xls made its directory chain
    loop, and calamine allocated until the process died."""
    data = _xls()
    (dir_start,) = struct.unpack_from("<I", data, 48)
    (fat_sector,) = struct.unpack_from("<I", data, 76)
    struct.pack_into("<I", data, (fat_sector + 1) * 512 + 4 * dir_start, dir_start)
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(FileRefused, match="directory chain loops back"):
        check_file(path)


# ---- the bounded run ----


@pytest.mark.slow
def test_mutated_ledgers_are_imported_or_refused_clearly(tmp_path: Path) -> None:
    report = supervisor.run(tmp_path / "fuzz", seed=FUZZ_SEED, count=FUZZ_INPUTS, timeout=30)
    print(report.summary())  # shown with -rP / -s: how many inputs were tried
    details = "\n\n".join(f.line()[:1500] for f in report.findings[:5])
    assert not report.findings, f"{report.summary()}\n\n{details}"
    assert report.tried == FUZZ_INPUTS
    # The mutations reach past the checks: many inputs import, many are refused.
    assert report.imported > FUZZ_INPUTS // 10
    assert report.refused > FUZZ_INPUTS // 10
