"""Detect an export's format, text encoding, delimiter and header row from name and content.

Encodings tried, in order (domain.md, «Where the raw data comes from»): UTF-8 or UTF-16 with a
byte-order mark, UTF-8, then the single-byte Windows-1252 and ISO-8859-1. Bytes 0x80–0x9F are
printable in Windows-1252 (€, ‘’, “”, –, —, š …) but control characters in ISO-8859-1, so a file
using them is Windows-1252; a single-byte file without them decodes identically under both and is
reported as ISO-8859-1 (the older Triple-S exports).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

from anchoring.exceptions import InputFileError

DELIMITERS: tuple[str, ...] = (";", ",", "\t")
_SAMPLE_BYTES = 1 << 20
_UNDEFINED_IN_CP1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")
_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
}


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (strict, as Python's decoder), checked by Arrow.

    Arrow's validator rejects what ``bytes.decode("utf-8")`` rejects (overlong forms, surrogates,
    code points past U+10FFFF, cut sequences) and is an order of magnitude faster on a large file.
    """
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """Name the encoding of ``data``: utf-8-sig, utf-8, windows-1252 or iso-8859-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if is_utf8(data):
        return "utf-8"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    high = {b for b in data if 0x80 <= b <= 0x9F}
    if high and not high & _UNDEFINED_IN_CP1252:
        return "windows-1252"
    return "iso-8859-1"


def missing_export(path: Path) -> InputFileError:
    """The error for an export that is not where ``round.yaml`` says it is."""
    return InputFileError(
        f"{path}: file not found. Put the export in the round's raw folder "
        "or fix 'file' in round.yaml."
    )


def existing_export(path: str | Path) -> Path:
    """``path`` as a :class:`~pathlib.Path`; :func:`missing_export` when it is not a file."""
    path = Path(path)
    if not path.is_file():
        raise missing_export(path)
    return path


def read_sample(path: Path, size: int | None = _SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes of a file, or all of it when ``size`` is None.

    Raises :class:`InputFileError` when the file is missing or unreadable.
    """
    try:
        with path.open("rb") as handle:
            return handle.read() if size is None else handle.read(size)
    except FileNotFoundError:
        raise missing_export(path) from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file ({exc}).") from None


def sample_records(text: str, delimiter: str, limit: int = 60) -> list[list[str]]:
    """Parse the first records of a text sample with the csv module (for detection only).

    Parameters
    ----------
    text : str
        The start of the file, decoded.
    delimiter : str
        The field delimiter.
    limit : int, default 60
        Records to parse at most.

    Returns
    -------
    list of list of str
        The records; a last record cut off by the end of the sample is dropped.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records[:-1] if len(records) > 1 and text and not text.endswith("\n") else records


def detect_delimiter(text: str) -> str:
    """The delimiter (``;``, ``,`` or tab) that splits the sample into most consistent fields."""
    best, best_score = ";", (-1, -1)
    for delimiter in DELIMITERS:
        records = [r for r in sample_records(text, delimiter) if any(f.strip() for f in r)]
        if not records:
            continue
        widths = Counter(len(r) for r in records)
        modal_width, modal_n = widths.most_common(1)[0]
        score = (modal_n if modal_width > 1 else 0, modal_width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def find_header_index(rows: list[list[object]]) -> int:
    """0-based index of the header among the first rows of a table with title rows above it.

    The header is the first row that fills at least 80 % of the widest row's columns, all with
    text; title rows above it fill one or two cells.
    """

    def filled(row: list[object]) -> list[object]:
        return [v for v in row if v is not None and str(v).strip() != ""]

    width = max((len(filled(r)) for r in rows), default=0)
    for index, row in enumerate(rows):
        cells = filled(row)
        if width and len(cells) >= max(1, 0.8 * width) and all(isinstance(v, str) for v in cells):
            return index
    return 0


def detect_decimal(records: list[list[str]], delimiter: str) -> str:
    """``,`` when numbers in the sample use a decimal comma (and ``,`` is not the delimiter)."""
    if delimiter == ",":
        return "."
    comma = point = 0
    for record in records[1:]:
        for value in record:
            v = value.strip()
            head, sep, tail = v.replace(",", "|", 1).partition("|")
            if sep and head.lstrip("-").isdigit() and tail.isdigit():
                comma += 1
            head, sep, tail = v.partition(".")
            if sep and head.lstrip("-").isdigit() and tail.isdigit():
                point += 1
    return "," if comma > point else "."


def detect_format(path: Path) -> str:
    """The export format from name and content: ``nettskjema``, ``csv``, ``xlsx`` or ``sav``.

    A CSV or text report whose header has Nettskjema's ``$submission_id`` column is ``nettskjema``.

    Raises
    ------
    InputFileError
        The file is missing, empty, or of a kind no reader handles.
    """
    data = read_sample(path, 65536)
    if not data.strip():
        raise InputFileError(f"{path}: the file is empty. Export the survey again.")
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"$FL2") or data.startswith(b"$FL3"):
        return "sav"
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind in ("xlsx", "sav"):
        raise InputFileError(
            f"{path}: the name says {kind} but the content is not; export the "
            "file again or fix its name."
        )
    if kind is None and b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(
            f"{path}: not a survey export this tool reads (csv, txt, xlsx, "
            "sav). Export the survey as one of these."
        )
    text = data.decode(detect_encoding(data), errors="replace")
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if "$submission_id" in first_line:
        return "nettskjema"
    return "csv"
