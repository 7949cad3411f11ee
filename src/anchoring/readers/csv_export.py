"""Generic CSV exports, with the delimiter, encoding, decimal mark and header row detected.

Delimiter ``;``, ``,`` or tab; UTF-8, UTF-8 with BOM, Windows-1252 or ISO-8859-1; decimal point or
comma; optional title rows above the header. Everything is detected from the content
(:mod:`anchoring.readers.detect`) unless the round configuration says otherwise, and what was
found is reported in the :class:`RawTable`. The file is parsed by ``pyarrow.csv``
(multi-threaded), every column as text.
"""

from __future__ import annotations

import csv
import io
import logging
import mmap
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from anchoring.exceptions import InputFileError
from anchoring.readers.detect import (
    detect_decimal,
    detect_delimiter,
    detect_encoding,
    find_header_index,
    is_utf8,
    read_sample,
    sample_records,
)
from anchoring.readers.limits import MAX_COLUMNS, check_file_size
from anchoring.readers.raw_table import RawTable
from anchoring.readers.tools import (
    QUALTRICS_HEADER_ROWS,
    detect_tool,
    is_qualtrics_header,
    qualtrics_header,
)

log = logging.getLogger(__name__)
_SAMPLE_CHARS = 1 << 18
_COUNT_CHUNK = 1 << 22


def read_csv_export(
    path: str | Path,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    header_row: int | None = None,
) -> RawTable:
    """Read a CSV (or text) survey export, detecting what is not given.

    Parameters
    ----------
    path
        The export.
    encoding, delimiter, decimal
        Override detection (``round.yaml``: ``encoding``, ``delimiter``, ``decimal``).
    header_row
        1-based row of the header; default: the first row that fills the table's width.

    Returns
    -------
    RawTable
        Text values, blank cells ``<NA>``, with the detected encoding, delimiter, decimal mark
        and header row.

    Raises
    ------
    InputFileError
        Missing, unreadable or empty file, an encoding that does not decode it, a header with
        repeated names, or no data rows; the message names the file and what to do.
    """
    return _read_delimited(Path(path), "csv", encoding, delimiter, decimal, header_row)


_MAP_OPTIONS = (
    {"flags": mmap.MAP_SHARED | mmap.MAP_POPULATE, "prot": mmap.PROT_READ}
    if hasattr(mmap, "MAP_POPULATE")
    else {"access": mmap.ACCESS_READ}
)
_BOM = b"\xef\xbb\xbf"


def _read_bytes(path: Path) -> bytes | mmap.mmap:
    """The file's bytes: memory-mapped (no copy of a large file), or read when it cannot be.

    A mapped file is used as is only on the plain UTF-8 path (:func:`_to_utf8`); every other
    path, and every error message, works on a copy as ``bytes``.
    """
    try:
        with path.open("rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, **_MAP_OPTIONS)
    except (OSError, ValueError):  # an empty file cannot be mapped; read_sample names the error
        data = read_sample(path, None)
    if not data[:65536].removeprefix(_BOM).strip() and not bytes(data).strip().strip(_BOM).strip():
        raise InputFileError(f"{path}: the file is empty. Export the survey again.")
    return data


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _check_single_encoding(path: Path, data: bytes) -> None:
    """Refuse a file that is UTF-8 in places and something else elsewhere (a mixed export)."""
    if is_utf8(data):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            line = data[: exc.start].count(b"\n") + 1
            raise InputFileError(
                f"{path}: mixed text encodings: the file is UTF-8 but line {line} is not (saved "
                "as Windows-1252?). Export the file again in one encoding, or set 'encoding' for "
                "this source in round.yaml."
            ) from None


def _encoding_key(encoding: str) -> str:
    """An encoding's name as compared here: lower case, ``-`` for ``_``, ``utf8`` as ``utf-8``."""
    key = encoding.lower().replace("_", "-")
    return key.replace("utf8", "utf-8").replace("utf16", "utf-16")


def _is_plain_utf8(data: bytes | mmap.mmap, encoding: str | None) -> bool:
    """Whether ``data`` is UTF-8 without a byte-order mark, as detected or as configured."""
    named = encoding is None or _encoding_key(encoding) == "utf-8"
    start = data[:3]
    return named and not start.startswith((_BOM, b"\xff\xfe", b"\xfe\xff")) and is_utf8(data)


def _to_utf8(
    path: Path, data: bytes | mmap.mmap, encoding: str | None
) -> tuple[bytes | mmap.mmap, str]:
    if not isinstance(data, bytes):  # a mapped file: as is when plain UTF-8, else as bytes
        if _is_plain_utf8(data, encoding):
            return data, "utf-8"
        data = bytes(data)
    if encoding is None:
        encoding = detect_encoding(data)
        if encoding in ("windows-1252", "iso-8859-1"):
            _check_single_encoding(path, data)
    key = _encoding_key(encoding)
    if key == "utf-8-sig":
        return data.removeprefix(_BOM), "utf-8-sig"
    try:
        if key == "utf-16":
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        if key == "utf-8":
            if not is_utf8(data):
                data.decode("utf-8")  # raises, with the position of the first bad byte
            return data, "utf-8"
        return data.decode(encoding).encode("utf-8"), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputFileError(
            f"{path}: cannot decode the file as {encoding} ({type(exc).__name__} at byte "
            f"{getattr(exc, 'start', '?')}). Set 'encoding' for this source in round.yaml "
            "(utf-8, utf-8-sig, windows-1252 or iso-8859-1)."
        ) from None


def _header_not_found(
    path: Path, sample: str, cut: bool, index: int, delimiter: str
) -> InputFileError:
    """The error for a header row not among the whole rows of the sample (issue #19)."""
    if not cut:
        return InputFileError(
            f"{path}: header row {index + 1} is past the end of the file. "
            "Fix 'header_row' in round.yaml."
        )
    first_line = re.split("[\r\n]", sample, maxsplit=1)[0]
    if first_line.count(delimiter) >= MAX_COLUMNS:
        return InputFileError(
            f"{path}: the header has more than {MAX_COLUMNS:,} columns (delimiter "
            f"{delimiter!r}); the readers accept at most {MAX_COLUMNS:,}. Export the answers "
            "again with the survey's questions only."
        )
    if first_line == sample:
        return InputFileError(
            f"{path}: the file has no line break in its first {_SAMPLE_CHARS // 1024} KiB, so it "
            "is not a table export (one answer per line). Export the answers from the survey "
            "tool again as CSV or xlsx."
        )
    return InputFileError(
        f"{path}: row {index + 1} does not end within the first {_SAMPLE_CHARS // 1024} KiB of "
        "the file (a line that long is not a survey export's header). Fix 'header_row' in "
        "round.yaml or export the answers again."
    )


def _header_names(path: Path, record: list[str]) -> list[str]:
    if len(record) > MAX_COLUMNS:
        raise InputFileError(
            f"{path}: the header has {len(record):,} columns; the readers accept at most "
            f"{MAX_COLUMNS:,}. Export the answers again with the survey's questions only."
        )
    names = [name.strip() or f"column_{i + 1}" for i, name in enumerate(record)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputFileError(
            f"{path}: the header repeats column name(s) {repeated}. Rename them "
            "in the survey tool and export again."
        )
    return names


def _read_delimited(
    path: Path,
    kind: str,
    encoding: str | None,
    delimiter: str | None,
    decimal: str | None,
    header_row: int | None,
) -> RawTable:
    if path.is_file():
        check_file_size(path)
    data, encoding = _to_utf8(path, _read_bytes(path), encoding)
    sample = data[:_SAMPLE_CHARS].decode("utf-8", errors="ignore")
    delimiter = delimiter or detect_delimiter(sample)
    records = sample_records(sample, delimiter)
    if len(data) > _SAMPLE_CHARS and len(records) == 1 and not sample.endswith(("\n", "\r")):
        records = []  # one record cut off by the end of the sample: not a whole row
    header_index = find_header_index(records) if header_row is None else header_row - 1
    if header_index >= len(records):
        raise _header_not_found(path, sample, len(data) > _SAMPLE_CHARS, header_index, delimiter)
    names = _header_names(path, records[header_index])
    # Qualtrics: the question text and ImportId rows below the header are header rows too
    extra = QUALTRICS_HEADER_ROWS - 1 if is_qualtrics_header(records, header_index) else 0
    _check_quotes(path, data, header_index + extra)
    # UTF-8 already validated (or produced by decoding) unless the file came with a BOM as is
    validated = _encoding_key(encoding) != "utf-8-sig"
    table = _parse(
        path,
        data,
        delimiter,
        names,
        header_index + 1,
        _quoted_newlines(sample, delimiter),
        check_utf8=not validated,
        skip_after_names=extra,
    )
    if table.num_rows == 0:
        raise InputFileError(
            f"{path}: the file has a header (row {header_index + 1}) but no "
            "data rows. Export the survey again with its answers."
        )
    decimal = decimal or detect_decimal(records[header_index + extra :], delimiter)
    frame = _blank_to_null(table).to_pandas()
    log.info(
        "%s: read %d rows, %d columns (%s, delimiter %r, header row %d)",
        path.name,
        len(frame),
        frame.shape[1],
        encoding,
        delimiter,
        header_index + 1,
    )
    labels, import_ids = {n: n for n in names}, {}
    if extra:
        labels, import_ids = qualtrics_header(
            names, records[header_index + 1], records[header_index + 2]
        )
    table = RawTable(
        frame=frame,
        path=path,
        format=kind,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        header_row=header_index + 1,
        column_labels=labels,
        import_ids=import_ids,
    )
    return replace(table, tool=detect_tool(table))


def _check_quotes(path: Path, data: bytes | mmap.mmap, header_index: int) -> None:
    """Refuse a file with a quote opened and never closed (it would swallow the rows after it).

    ``header_index``: 0-based line of the last header row (data rows are counted after it).
    """
    if _count_byte(data, ord('"')) % 2 == 0:
        return
    opened_at, inside = 0, False
    for number, line in enumerate(bytes(data).split(b"\n"), start=1):
        if line.count(b'"') % 2:
            inside = not inside
            if inside:
                opened_at = number
    row = opened_at - (header_index + 1)
    raise InputFileError(
        f'{path}: a quote (") opened in data row {row} (line {opened_at}) is never closed. '
        "Repair the export in the survey tool, or remove the stray quote in a copy and give "
        "the copy to the round."
    )


def _count_byte(data: bytes | mmap.mmap, byte: int) -> int:
    """How often ``byte`` occurs in ``data`` (as ``data.count``, about three times faster).

    Compared by numpy in chunks of a few MB into one reused buffer, so that no mask as large as
    the file is allocated.
    """
    view = np.frombuffer(data, dtype=np.uint8)
    found = np.empty(min(len(view), _COUNT_CHUNK), dtype=bool)
    total = 0
    for start in range(0, len(view), _COUNT_CHUNK):
        chunk = view[start : start + _COUNT_CHUNK]
        total += int(np.count_nonzero(np.equal(chunk, byte, out=found[: len(chunk)])))
    return total


def _quoted_newlines(sample: str, delimiter: str) -> bool:
    """Whether a value in the sample spans lines (then Arrow's quote-aware chunker is needed)."""
    try:
        for record in csv.reader(io.StringIO(sample), delimiter=delimiter):
            if any("\n" in value or "\r" in value for value in record):
                return True
    except csv.Error:
        pass
    return False


def _parse(
    path: Path,
    data: bytes | mmap.mmap,
    delimiter: str,
    names: list[str],
    skip: int,
    multiline_first: bool = False,
    check_utf8: bool = True,
    skip_after_names: int = 0,
) -> pa.Table:
    """Parse with Arrow, every column as text; try without values spanning lines first.

    ``multiline_first``: try with them first (the sample has such values). Either attempt that
    succeeds gives the same table: the option only tells Arrow where it may split the file.
    ``check_utf8=False`` when the whole file was validated as UTF-8 before (its fields, cut at
    ASCII delimiters and quotes, are then valid UTF-8 too): Arrow need not check every value.
    ``skip_after_names``: records after the header that are not data (Qualtrics' question text
    and ImportId rows). ``skip`` counts lines, these count records: a question text spanning
    lines is skipped whole only when values spanning lines are allowed, so that is the only
    attempt when there are header rows to skip.
    """
    convert = pacsv.ConvertOptions(
        # large_string is what pandas' str dtype stores: no conversion of the text to a frame
        column_types=dict.fromkeys(names, pa.large_string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
        check_utf8=check_utf8,
    )
    read = pacsv.ReadOptions(
        column_names=names,
        skip_rows=skip,
        skip_rows_after_names=skip_after_names,
        encoding="utf8",
    )
    attempts = (True, False) if multiline_first else (False, True)
    # header records to skip are skipped as records only when values may span lines
    for newlines in (True,) if skip_after_names else attempts:
        parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines)
        try:
            return pacsv.read_csv(
                pa.BufferReader(data),
                read_options=read,
                parse_options=parse,
                convert_options=convert,
            )
        except pa.ArrowInvalid:
            continue
    row = _first_ragged_row(data, delimiter, len(names), skip + skip_after_names)
    raise InputFileError(
        f"{path}: data row {row} does not have the header's {len(names)} fields with delimiter "
        f"{delimiter!r}. Check 'delimiter' in round.yaml or repair the export in the survey tool."
    )


def _first_ragged_row(data: bytes | mmap.mmap, delimiter: str, width: int, skip: int) -> int | str:
    text = bytes(data).decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1 - skip):
            if number >= 1 and len(record) != width:
                return number
    except csv.Error:
        pass
    return "?"


def _blank_to_null(table: pa.Table) -> pa.Table:
    """Cells of only spaces become null, like empty ones (vectorised; columns without any kept).

    Columns are checked on two threads (Arrow's kernels run outside the GIL).
    """

    def nulled(column: pa.ChunkedArray) -> pa.ChunkedArray:
        blank = pc.utf8_is_space(column)
        if pc.any(blank).as_py():
            return pc.if_else(blank, pa.scalar(None, column.type), column)
        return column

    with ThreadPoolExecutor(2) as pool:
        columns = list(pool.map(nulled, table.columns))
    return pa.table(columns, names=table.column_names)
