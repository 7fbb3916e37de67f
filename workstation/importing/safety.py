"""Checks a spreadsheet file passes before any parser sees it: format, zip and XML bombs, size."""

from __future__ import annotations

import dataclasses
import re
import struct
import zipfile
import zlib
from pathlib import Path

from workstation.errors import WorkstationError
from workstation.importing import ole2

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Limits (module constants so that a deployment or a test can change them).
MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000
MAX_ENTRY_BYTES = 1024 * 1024 * 1024  # declared uncompressed size of one part
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # declared uncompressed size of all parts
MAX_RATIO = 200  # uncompressed / compressed, for parts over RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 4 * 1024 * 1024
PROLOG_BYTES = 64 * 1024  # an XML part's DOCTYPE, if any, must show within this many bytes
# Memory the reader may use: estimated from the declared size of the parts it will read.
MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
# Bytes of import memory per byte of sheet XML / shared strings XML / CSV or .xls file.
# Calibrated on bench/import_bench.py's 100,000-row workbook: 125 MB of sheet XML, peak RSS
# 326 MB (calamine's grid ~170 MB, the import's per-row bookkeeping most of the rest).
SHEET_XML_FACTOR = 2.6
SHARED_STRINGS_FACTOR = 3.0
CSV_FACTOR = 3.5  # CSV is streamed: what stays is the per-row bookkeeping
XLS_FACTOR = 8.0
# Bytes calamine holds per cell of a sheet's grid (an enum of value types), before any text.
CELL_BYTES = 32

_ENCRYPTION_MARKERS = ("EncryptionInfo", "EncryptedPackage")
_READ_CHUNK = 1024 * 1024


class FileRefused(WorkstationError):
    """The file cannot be imported as it is; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class FileCheck:
    """What the checks found: the real format, and the reader memory they estimate."""

    format: str  # "xlsx" (also .xlsm), "xls" or "csv"
    size: int
    estimated_memory: int


def _name(path: Path) -> str:
    return path.name


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]+")


def detail(what: object, limit: int = 200) -> str:
    """A library's error (or a part's name) as quoted in a message: control characters out, and
    cut short, for a damaged file can make it repeat kilobytes of the file's own bytes."""
    text = _CONTROL.sub(" ", str(what))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_file(path: Path) -> FileCheck:
    """The file's real format (from its bytes, not its name), once it is known safe to parse."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise FileRefused(f"文件“{path}”不存在") from None
    except IsADirectoryError:
        raise FileRefused(f"“{path}”是一个文件夹，不是表格文件") from None
    except OSError as exc:
        raise FileRefused(f"无法读取文件“{path}”：{exc.strerror}") from exc
    name = _name(path)
    if size == 0:
        raise FileRefused(f"文件“{name}”是空文件")
    if size > MAX_FILE_BYTES:
        raise FileRefused(
            f"文件“{name}”有 {size / 1048576:.0f} MB，超过可导入的上限 "
            f"{MAX_FILE_BYTES / 1048576:.0f} MB，请拆分后分批导入"
        )
    if head.startswith(ZIP_MAGIC):
        return FileCheck("xlsx", size, check_zip(path))
    if head.startswith(OLE2_MAGIC):
        check_ole2(path)
        return FileCheck("xls", size, _within_memory(name, int(size * XLS_FACTOR)))
    if head.startswith(b"PK"):
        raise FileRefused(f"文件“{name}”是损坏的压缩包，不是有效的 Excel 工作簿")
    if _looks_like_text(path):
        suffix = path.suffix.lower()
        if suffix in {".xlsx", ".xlsm", ".xls"}:
            raise FileRefused(
                f"文件“{name}”的内容是文本（CSV），不是 Excel 工作簿；请把扩展名改为 .csv 后再导入"
            )
        return FileCheck("csv", size, _within_memory(name, int(size * CSV_FACTOR)))
    raise FileRefused(f"文件“{name}”不是 Excel 工作簿（.xlsx/.xls），也不是 CSV 文本，可能已损坏")


def _looks_like_text(path: Path) -> bool:
    """Text (a CSV in UTF-8, UTF-16 with BOM, or GB18030) rather than binary bytes."""
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C))
    return controls <= len(sample) // 1000


def _within_memory(name: str, estimate: int) -> int:
    if estimate > MEMORY_LIMIT_BYTES:
        raise FileRefused(
            f"文件“{name}”太大：读取它估计需要 {estimate / 1048576:.0f} MB 内存，"
            f"超过上限 {MEMORY_LIMIT_BYTES / 1048576:.0f} MB；请拆分为几个较小的文件分批导入"
        )
    return estimate


def check_zip(path: Path) -> int:
    """Refuse zip and XML bombs, corrupt and non-workbook zips; return the memory estimate.

    Sizes come from the central directory and are checked before anything is inflated; then
    each XML part is inflated once, streaming, through zipfile (which stops at the declared size
    and checks the CRC), so a part that lies about its size is caught here, not in the reader.
    """
    name = _name(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise FileRefused(f"文件“{name}”已损坏（压缩包不完整），无法作为工作簿读取") from None
    except (OSError, ValueError, EOFError, struct.error, NotImplementedError) as exc:
        # NotImplementedError: a damaged header can claim a zip version or method unknown to us.
        raise FileRefused(f"文件“{name}”已损坏，无法读取：{detail(exc)}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise FileRefused(f"文件“{name}”包含 {len(infos)} 个部件，超过上限，拒绝读取")
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            if "mimetype" in names or "content.xml" in names:
                raise FileRefused(f"文件“{name}”是 OpenDocument 表格，请先另存为 .xlsx 再导入")
            raise FileRefused(f"文件“{name}”是压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）")
        if "xl/workbook.bin" in names:
            raise FileRefused(f"文件“{name}”是 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 再导入")
        total = 0
        estimate = 0
        for info in infos:
            _check_sizes(name, info)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise FileRefused(
                    f"文件“{name}”解压后超过 {MAX_TOTAL_BYTES / 1048576:.0f} MB，"
                    "疑似压缩炸弹，拒绝读取"
                )
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                estimate = max(estimate, int(info.file_size * SHEET_XML_FACTOR))
        for info in infos:
            if info.filename == "xl/sharedStrings.xml":
                estimate += int(info.file_size * SHARED_STRINGS_FACTOR)
        _within_memory(name, estimate)
        grid = 0
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) or info.filename.startswith("["):
                grid = max(grid, _check_xml_part(name, archive, info))
        if grid * CELL_BYTES > MEMORY_LIMIT_BYTES:
            raise FileRefused(
                f"文件“{name}”的工作表有数据的区域过大（约 {grid:,} 个单元格，"
                "如远处有孤立的单元格），读取会耗尽内存；请删除多余的行列后再导入"
            )
    return estimate


def _check_sizes(name: str, info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise FileRefused(f"文件已加密，请先在 Excel 中取消密码后再导入（{name}）")
    if info.file_size > MAX_ENTRY_BYTES:
        raise FileRefused(
            f"文件“{name}”中的部件 {detail(info.filename, 100)} 解压后有 "
            f"{info.file_size / 1048576:.0f} MB，超过上限，疑似压缩炸弹，拒绝读取"
        )
    if info.file_size > RATIO_FLOOR_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise FileRefused(
                f"文件“{name}”中的部件 {detail(info.filename, 100)} 压缩比高达 {ratio:.0f} 倍，"
                "疑似压缩炸弹，拒绝读取"
            )


_PROLOG_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


class _Extent:
    """How far a worksheet's cells with a value reach, found while the part is inflated.

    calamine holds a sheet as a dense grid from A1 to its farthest cell with a value, so one
    value at XFD1048576 would ask for 17 billion cells. Cheap scans bound that grid: columns
    from cell references of two or three letters (rare: ledgers are narrow), rows from cells
    with content in rows past SMALL_ROWS (none in most sheets; empty formatted cells are
    self-closing and do not count)."""

    SMALL_ROWS = 100_000
    _WIDE = re.compile(rb'<c r="([A-Z]{2,3})\d')
    _FAR = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,7})"[^>/]*>')

    def __init__(self) -> None:
        self.columns = 26
        self.rows = self.SMALL_ROWS
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        window = self._tail + chunk
        for letters in set(self._WIDE.findall(window)):
            self.columns = max(self.columns, _column_number(letters))
        for digits in self._FAR.findall(window):
            self.rows = max(self.rows, int(digits))
        self._tail = window[-64:]

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_xml_part(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """No DOCTYPE or ENTITY in the prolog; the part inflates to exactly its declared size.

    Returns the cells calamine's grid may hold (worksheets), else 0."""
    member = detail(info.filename, 100)
    extent = _Extent() if info.filename.startswith("xl/worksheets/") else None
    try:
        with archive.open(info) as part:
            head = part.read(PROLOG_BYTES)
            _check_prolog(name, member, head, complete=len(head) < PROLOG_BYTES)
            inflated = len(head)
            if extent is not None:
                extent.feed(head)
            while chunk := part.read(_READ_CHUNK):
                inflated += len(chunk)
                if inflated > info.file_size:
                    break
                if extent is not None:
                    extent.feed(chunk)
    except zipfile.BadZipFile as exc:
        raise FileRefused(f"文件“{name}”已损坏（{member}：{detail(exc)}），无法读取") from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise FileRefused(f"文件“{name}”已损坏或格式不受支持（{member}）：{detail(exc)}") from None
    except zlib.error as exc:
        raise FileRefused(f"文件“{name}”已损坏（{member} 无法解压）：{detail(exc)}") from None
    if inflated != info.file_size:
        raise FileRefused(f"文件“{name}”中的部件 {member} 实际大小与声明不符，拒绝读取")
    return extent.cells if extent is not None else 0


def _check_prolog(name: str, part: str, head: bytes, *, complete: bool) -> None:
    text = head
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    elif text.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 XML: fold to bytes by dropping NULs, enough to find the markup below.
        text = text[2:].replace(b"\x00", b"")
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(text, pos)
        if not m:
            break
        pos = m.end()
    rest = text[pos:].lstrip()
    upper = rest[:16].upper()
    if upper.startswith((b"<!DOCTYPE", b"<!ENTITY")) or b"<!ENTITY" in text[: pos + 4096].upper():
        raise FileRefused(
            f"文件“{name}”的部件 {part} 含有 DOCTYPE/ENTITY 声明（可能是 XML 实体炸弹），拒绝读取"
        )
    if not rest and not complete:
        raise FileRefused(f"文件“{name}”的部件 {part} 开头异常（超长的声明或注释），拒绝读取")


def check_ole2(path: Path) -> None:
    """An OLE2 file is a legacy .xls, or an encrypted .xlsx (EncryptionInfo stream): refuse that,
    and a compound file whose sector chains calamine could not follow safely."""
    markers = [m.encode("utf-16-le") for m in _ENCRYPTION_MARKERS]
    overlap = max(len(m) for m in markers)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            window = tail + chunk
            if any(m in window for m in markers):
                raise FileRefused(f"文件已加密，请先在 Excel 中取消密码后再导入（{_name(path)}）")
            tail = window[-overlap:]
    try:
        ole2.check_structure(path, max_cells=MEMORY_LIMIT_BYTES // CELL_BYTES)
    except ole2.Damaged as exc:
        raise FileRefused(
            f"文件“{_name(path)}”已损坏（工作簿结构有误：{exc}），无法作为工作簿读取"
        ) from None
