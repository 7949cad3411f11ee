"""Size limits of the exports the readers accept, checked before a reader allocates anything.

A survey export holds at most a few tens of thousands of answers to a few hundred questions
(domain.md). A file far beyond that is damaged or hostile, and reading it could take all memory
and abort the process (issue #19: a workbook of 29 KB with one value at ``XFD1048576`` made the
xlsx reader allocate 512 GiB; a 2 MB workbook inflating to 2 GiB took 2.2 GB). The limits:

- every file: at most :data:`MAX_FILE_BYTES` on disk;
- a table: at most :data:`MAX_COLUMNS` columns (Excel's own limit, ``XFD``), :data:`MAX_ROWS`
  rows (Excel's) and :data:`MAX_CELLS` cells (rows × columns of the used range; 10 million is
  some 30 times the largest simulated export and reads in about 1.3 GB, docs/reliability.md);
- a workbook (a zip package, ECMA-376 Part 2): every part at most :data:`MAX_PART_BYTES`
  uncompressed, all parts together at most :data:`MAX_PACKAGE_BYTES`, and no part beyond
  :data:`INFLATE_GRACE_BYTES` compressed more than 100 to 1 (:data:`MIN_INFLATE_RATIO`), the
  defaults of Apache POI's ``ZipSecureFile`` (``setMinInflateRatio(0.01)``, grace 100 KiB);
  stored or deflated parts only, not encrypted.

The sizes a zip declares are not trusted: :func:`check_package` inflates every part itself
(:mod:`zlib` on the raw bytes found through ``ZipInfo.header_offset``), never more than the
declared size plus one chunk, and refuses a part that inflates to more or less than it declares.
:func:`check_sheet_extent` scans a sheet's XML, inflated the same way, for its declared
``<dimension>`` and for the farthest cell.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

from anchoring.exceptions import InputFileError

MAX_FILE_BYTES = 1 << 30
MAX_COLUMNS = 16_384
MAX_ROWS = 1_048_576
MAX_CELLS = 10_000_000
MAX_PART_BYTES = 512 << 20
MAX_PACKAGE_BYTES = 1 << 30
MIN_INFLATE_RATIO = 0.01
INFLATE_GRACE_BYTES = 100 << 10

_CHUNK = 1 << 20
_LOCAL_HEADER = 30
_CARRY = 1 << 16
_FIX_EXPORT = "Export the answers from the survey tool again"
# the form every spreadsheet writer uses (``r`` first); any other cell tag means a slow parse
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,10})"')
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
_PREFIXED_CELL_TAGS = (b":c ", b":c>", b":c/")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref=[\"']([^\"']*)[\"']")
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,10})")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB"


def check_file_size(path: Path) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES` (before it is read or mapped)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputFileError(
            f"{path}: the file is {_mib(size)}; the readers accept at most "
            f"{_mib(MAX_FILE_BYTES)}. A survey export is far smaller: check that this is the "
            f"right file. {_FIX_EXPORT}."
        )


def check_table_shape(
    path: Path, rows: int, columns: int, where: str = "the file", fix: str = _FIX_EXPORT
) -> None:
    """Refuse a table of more than :data:`MAX_ROWS`, :data:`MAX_COLUMNS` or :data:`MAX_CELLS`."""
    found = f"{where} has {rows:,} rows × {columns:,} columns"
    if columns > MAX_COLUMNS:
        limit = f"at most {MAX_COLUMNS:,} columns"
    elif rows > MAX_ROWS:
        limit = f"at most {MAX_ROWS:,} rows"
    elif rows * columns > MAX_CELLS:
        limit = f"at most {MAX_CELLS:,} cells (rows × columns)"
    else:
        return
    raise InputFileError(f"{path}: {found}; the readers accept {limit}. {fix}.")


def check_package(path: Path, archive: zipfile.ZipFile) -> None:
    """Check a workbook's parts against the limits, inflating each (bounded) to verify its size.

    Raises
    ------
    InputFileError
        A part is encrypted, compressed by another method than deflate, larger than
        :data:`MAX_PART_BYTES`, compressed more than 1 : :data:`MIN_INFLATE_RATIO` beyond the
        grace size, inflates to another size than it declares, or the parts together exceed
        :data:`MAX_PACKAGE_BYTES`.
    """
    parts = archive.infolist()
    for info in parts:
        _check_declared(path, info)
    total = sum(info.file_size for info in parts)
    if total > MAX_PACKAGE_BYTES:
        raise InputFileError(
            f"{path}: the workbook's parts inflate to {_mib(total)} together; the readers accept "
            f"at most {_mib(MAX_PACKAGE_BYTES)}. {_FIX_EXPORT}."
        )
    with path.open("rb") as handle:
        for info in parts:
            for _ in iter_part(path, handle, info):
                pass


def _check_declared(path: Path, info: zipfile.ZipInfo) -> None:
    part = f"{path}: part {info.filename!r} of the workbook"
    if info.flag_bits & 0x1:
        raise InputFileError(f"{part} is encrypted. Save the workbook without a password.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputFileError(
            f"{part} is compressed with method {info.compress_type}, which Excel does not use. "
            "Open it in Excel and save it as .xlsx again."
        )
    if info.file_size > MAX_PART_BYTES:
        raise InputFileError(
            f"{part} inflates to {_mib(info.file_size)}; the readers accept at most "
            f"{_mib(MAX_PART_BYTES)} per part. {_FIX_EXPORT}."
        )
    ratio = info.compress_size / info.file_size if info.file_size else 1.0
    if info.file_size > INFLATE_GRACE_BYTES and ratio < MIN_INFLATE_RATIO:
        raise InputFileError(
            f"{part} is compressed {1 / max(ratio, 1e-12):,.0f} to 1 "
            f"({info.compress_size:,} bytes inflating to {info.file_size:,}); the readers accept "
            f"at most {1 / MIN_INFLATE_RATIO:,.0f} to 1 (a zip bomb). {_FIX_EXPORT}."
        )


def iter_part(path: Path, handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The inflated bytes of one part, in chunks of at most 1 MiB, never beyond its declared size.

    ``handle``: the workbook opened for reading. The compressed bytes are read from
    ``info.header_offset`` on (the local file header, APPNOTE.TXT 4.3.7, is 30 bytes plus the
    name and extra field) and inflated with :func:`zlib.decompressobj` (raw deflate),
    ``max_length`` bounding every step.
    """
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER)
    if len(header) < _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
        raise _damaged(path, info)
    skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    handle.seek(info.header_offset + _LOCAL_HEADER + skip)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced, left = 0, info.compress_size
    try:
        while left > 0 and (data := handle.read(min(_CHUNK, left))):
            left -= len(data)
            for out in _inflate(inflater, data):
                produced += len(out)
                if produced > info.file_size:
                    raise InputFileError(
                        f"{path}: part {info.filename!r} of the workbook inflates to more than "
                        f"the {info.file_size:,} bytes it declares (a zip bomb). {_FIX_EXPORT}."
                    )
                yield out
    except zlib.error:
        raise _damaged(path, info) from None
    if produced != info.file_size or (inflater is not None and not inflater.eof):
        raise _damaged(path, info)


def _inflate(inflater: Any, data: bytes) -> Iterator[bytes]:
    """``data`` inflated in steps of at most one chunk (as is for a stored part)."""
    if inflater is None:
        yield data
        return
    while data:
        yield inflater.decompress(data, _CHUNK)
        data = inflater.unconsumed_tail


def _damaged(path: Path, info: zipfile.ZipInfo) -> InputFileError:
    return InputFileError(
        f"{path}: the workbook is damaged (part {info.filename!r} does not inflate to the "
        f"{info.file_size:,} bytes it declares). Open it in Excel and save it as .xlsx again."
    )


@dataclass
class _Extent:
    """The farthest row and column of the cells with a value, and the declared dimension."""

    rows: int = 0
    columns: int = 0
    dimension: str | None = None
    cells: int = 0  # cell tags
    referenced: int = 0  # cell tags of the usual form, ``<c r="B7"``

    def add(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)


def check_sheet_extent(path: Path, archive: zipfile.ZipFile, part: str, title: str) -> None:
    """Refuse a sheet whose used range exceeds the limits, before a reader allocates it.

    Both the declared ``<dimension ref="A1:XFD1048576"/>`` (optional, and may be wrong) and the
    farthest cell are checked; a cell without a value counts too (calamine skips it, but Excel's
    used range holds it). Cells are found by their ``r`` reference with regular expressions over
    the inflated XML (about a third of calamine's reading time); a sheet with cells in another
    form (no reference, as ECMA-376 allows: one past the previous cell; a namespace prefix) is
    parsed cell by cell instead.
    """
    info = archive.getinfo(part)
    extent = _Extent()
    carry = b""
    with path.open("rb") as handle:
        for chunk in iter_part(path, handle, info):
            if (
                not extent.cells
                and not carry
                and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
            ):
                raise InputFileError(
                    f"{path}: sheet '{title}' is not stored as UTF-8 XML (as Excel stores it). "
                    "Open the workbook in Excel and save it as .xlsx again."
                )
            text = carry + chunk
            cut = text.rfind(b">") + 1
            _scan(text[:cut], extent)
            carry = text[cut:][-_CARRY:]
        if extent.cells > extent.referenced:
            extent = _parsed_extent(path, iter_part(path, handle, info), extent.dimension)
    where = f"sheet '{title}'"
    far = f"{_column_letters(extent.columns)}{extent.rows}"
    fix = (
        "A stray value or formatted cell far from the answers makes the sheet this large: "
        f"delete it (the farthest is {far}) or the rows and columns after the answers and "
        "save, or export the answers again"
    )
    check_table_shape(path, extent.rows, extent.columns, f"{where} reaches cell {far}: it", fix)
    if extent.dimension and (declared := _range_size(extent.dimension)):
        where = f"{where} declares the range {extent.dimension}: it"
        check_table_shape(path, *declared, where, fix)


def _scan(text: bytes, extent: _Extent) -> None:
    """Add the cells of a piece of sheet XML (cut after a ``>``) to ``extent``."""
    if extent.dimension is None and extent.cells == 0 and (found := _DIMENSION.search(text)):
        extent.dimension = found[1].decode("ascii", errors="replace")
    extent.cells += sum(text.count(tag) for tag in _CELL_TAGS)
    if any(tag in text for tag in _PREFIXED_CELL_TAGS):
        extent.cells += 1  # a namespace prefix: counted cell by cell (_parsed_extent)
    found = _CELL_ROW.findall(text)
    extent.referenced += len(found)
    rows, columns = set(found), set(_CELL_COLUMN.findall(text))
    if columns and rows:
        extent.add(max(map(int, rows)), max(map(_column_number, columns)))


def _parsed_extent(path: Path, chunks: Iterator[bytes], dimension: str | None) -> _Extent:
    """The extent counted cell by cell (as openpyxl's ``WorkSheetParser`` numbers them)."""
    try:
        return _parse_cells(chunks, _Extent(dimension=dimension))
    except (ElementTree.ParseError, ValueError):
        raise InputFileError(
            f"{path}: the workbook is damaged (a sheet's XML does not parse). "
            "Open it in Excel and save it as .xlsx again."
        ) from None


def _parse_cells(chunks: Iterator[bytes], extent: _Extent) -> _Extent:
    row = column = 0
    for event, element in ElementTree.iterparse(_ChunkReader(chunks), events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if tag == "c":
            reference = _REFERENCE.fullmatch(element.get("r") or "")
            cell_row, column = (
                (int(reference[2]), _column_number(reference[1].upper()))
                if reference
                else (row, column + 1)
            )
            extent.add(cell_row, column)
            element.clear()
        elif tag == "row":
            element.clear()
    return extent


class _ChunkReader:
    """A file-like ``read`` over an iterator of byte chunks (for :func:`ElementTree.iterparse`)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def read(self, size: int = -1) -> bytes:
        return next(self._chunks, b"")


def _range_size(reference: str) -> tuple[int, int] | None:
    """Rows and columns of an A1 range (``A1:XFD1048576`` or a single cell), from row 1/column A."""
    last = _REFERENCE.fullmatch(reference.rpartition(":")[2].strip())
    if last is None:
        return None
    return int(last[2]), _column_number(last[1].upper())


def _column_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters or "A"
