"""Size limits of the readers (issue #19): hostile files are refused before they are read.

Every hostile file is built here (openpyxl, zipfile, plain bytes); none is committed. The memory
tests run the reader in a subprocess under ``RLIMIT_AS``: before the limits, a workbook with one
value at ``XFD1048576`` aborted the process (SIGABRT) and a zip bomb took its inflated size.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from anchoring.exceptions import InputFileError
from anchoring.readers import limits, read_csv_export, read_export, read_sav, read_xlsx
from reliability_report import record

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(path: Path, far: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Svar"
    sheet.append(["id", "svar"])
    sheet.append(["1", "ja"])
    if far:
        sheet[far] = "x"
    book.save(path)
    return path


def _rewrite_sheet(path: Path, edit) -> Path:
    """Write ``path`` again with its sheet XML passed through ``edit`` (bytes → bytes)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            target.writestr(name, edit(data) if name == SHEET else data)
    return path


def test_a_far_away_value_is_refused_with_the_cell_and_the_limit(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "far.xlsx", far="XFD1048576")
    assert path.stat().st_size < 30_000
    with pytest.raises(InputFileError) as error:
        read_xlsx(path)
    message = str(error.value)
    for part in ("far.xlsx", "'Svar'", "XFD1048576", "10,000,000 cells", "delete"):
        assert part in message, message


def test_the_far_cell_is_found_without_the_dimension_element(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "nodim.xlsx", far="Z900000")
    _rewrite_sheet(path, lambda xml: re.sub(rb"<dimension [^>]*>", b"", xml))
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read(SHEET)
    with pytest.raises(InputFileError, match="reaches cell Z900000"):
        read_xlsx(path)


def test_a_lying_dimension_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "dim.xlsx")
    _rewrite_sheet(path, lambda xml: re.sub(rb'ref="A1:B2"', b'ref="A1:ZZ900000"', xml))
    with zipfile.ZipFile(path) as archive:
        assert b"A1:ZZ900000" in archive.read(SHEET)
    with pytest.raises(InputFileError, match="declares the range A1:ZZ900000"):
        read_xlsx(path)


def test_cells_without_a_reference_are_counted_one_by_one(tmp_path: Path) -> None:
    """ECMA-376 lets ``r`` out: 20,000 such cells in a row are 20,000 columns."""
    wide = b"".join(b"<c><v>%d</v></c>" % i for i in range(20_000))
    path = _workbook(tmp_path / "noref.xlsx")
    _rewrite_sheet(
        path, lambda xml: xml.replace(b"</sheetData>", b"<row>" + wide + b"</row></sheetData>")
    )
    with pytest.raises(InputFileError, match="20,000 columns; the readers accept at most 16,384"):
        read_xlsx(path)


def test_an_ordinary_workbook_is_read_as_before(tmp_path: Path) -> None:
    table = read_xlsx(_workbook(tmp_path / "ok.xlsx", far="D40"))
    assert list(table.frame.columns) == ["id", "svar"]
    assert table.frame["id"].iloc[0] == "1"


def _bomb(path: Path, megabytes: int) -> Path:
    pad = b" " * (megabytes << 20)
    return _rewrite_sheet(
        _workbook(path), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + pad)
    )


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 20)
    with pytest.raises(InputFileError) as error:
        read_xlsx(path)
    message = str(error.value)
    for part in ("bomb.xlsx", SHEET, "100 to 1", "zip bomb"):
        assert part in message, message


def _declare_size(path: Path, name: str, size: int) -> None:
    """Overwrite the uncompressed size of ``name`` in both zip headers (APPNOTE 4.3.7, 4.3.12)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, field in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if field == 22 else 46)
            if data[name_at : name_at + len(encoded)] == encoded:
                data[start + field : start + field + 4] = size.to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))


def test_a_part_that_inflates_beyond_its_declared_size_is_refused(tmp_path: Path) -> None:
    """Python's zipfile would stop at the declared size; the reader must not trust it either."""
    path = _workbook(tmp_path / "liar.xlsx")
    _rewrite_sheet(path, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 50_000))
    _declare_size(path, SHEET, 1000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size == 1000
    with pytest.raises(InputFileError, match="inflates to more than the 1,000 bytes it declares"):
        read_xlsx(path)


def test_part_and_package_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "parts.xlsx")
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 500)
    with pytest.raises(InputFileError, match=r"part '.*' of the workbook inflates to .* per part"):
        read_xlsx(path)
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 1 << 20)
    monkeypatch.setattr(limits, "MAX_PACKAGE_BYTES", 2000)
    with pytest.raises(InputFileError, match=r"parts inflate to .* together"):
        read_xlsx(path)


# Linux: the high-water mark of this process's memory, reset by exec (ru_maxrss is not: it keeps
# the peak of the forked test process)
_PEAK = """
def _peak_kib(field="VmHWM"):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))
"""

_CHILD = (
    _PEAK
    + """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from anchoring.exceptions import InputFileError
from anchoring.readers import read_xlsx
try:
    read_xlsx(sys.argv[1])
except InputFileError as exc:
    print("refused:", exc)
print("peak_kib", _peak_kib())
"""
)


@pytest.mark.parametrize("kind", ["far", "bomb"])
def test_hostile_workbooks_are_refused_under_a_memory_limit(tmp_path: Path, kind: str) -> None:
    """Under a 1.5 GiB address-space limit the reader refuses instead of dying (SIGABRT before)."""
    if kind == "far":
        path = _workbook(tmp_path / "far.xlsx", far="XFD1048576")
    else:
        path = _bomb(tmp_path / "bomb.xlsx", 200)
    limit = 3 << 29
    code = _CHILD.format(limit=limit)
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused:" in done.stdout and path.name in done.stdout, done.stdout
    peak = int(done.stdout.split("peak_kib")[1]) * 1024
    record("reader_limit", {"file": f"{kind} ({path.stat().st_size:,} bytes)", "peak_rss": peak})


def test_memory_bound_of_an_accepted_workbook(tmp_path: Path) -> None:
    """Peak RSS per cell of reading an ordinary workbook, scaled to the cell limit (recorded)."""
    rows, columns = 20_000, 50
    frame = pd.DataFrame({f"q{c}": [str(r % 5 + 1) for r in range(rows)] for c in range(columns)})
    path = tmp_path / "big.xlsx"
    frame.to_excel(path, index=False, engine="openpyxl")
    code = _PEAK + textwrap.dedent(
        """
        import json, sys
        from anchoring.readers import read_xlsx
        before = _peak_kib("VmRSS")
        table = read_xlsx(sys.argv[1])
        print(json.dumps([before * 1024, _peak_kib() * 1024, table.frame.shape[0]]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300
    )
    before, after, read_rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert read_rows == rows
    per_cell = (after - before) / ((rows + 1) * columns)
    assert per_cell < 400, per_cell
    record(
        "reader_limit",
        {
            "file": f"xlsx of {rows + 1:,} × {columns} cells",
            "peak_rss": after,
            "bytes_per_cell": round(per_cell),
            "at_cell_limit": before + per_cell * limits.MAX_CELLS,
        },
    )


def test_a_header_of_a_million_columns_says_so(tmp_path: Path) -> None:
    """It was reported as "header repeats column name(s) ['x389']": the sample cut the header."""
    path = tmp_path / "wide.csv"
    names = ";".join(f"x{i}" for i in range(1_000_000))
    path.write_text(names + "\n" + ";" * 999_999 + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        read_csv_export(path)
    message = str(error.value)
    assert "more than 16,384 columns" in message and "wide.csv" in message, message
    assert "repeats" not in message


def test_a_complete_header_over_the_column_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"q{i}" for i in range(20_000)) + "\n" + "1," * 19_999 + "1\n")
    with pytest.raises(InputFileError, match="header has 20,000 columns"):
        read_csv_export(path)


def test_a_file_without_a_line_break_is_not_a_table(tmp_path: Path) -> None:
    """It was reported as "header row 1 is past the end of the file"."""
    path = tmp_path / "blob.csv"
    path.write_bytes(b"abcdefgh" * (2 << 20))
    with pytest.raises(InputFileError) as error:
        read_export(path)
    message = str(error.value)
    assert "no line break" in message and "blob.csv" in message, message
    assert "past the end" not in message


def test_a_short_file_keeps_the_past_the_end_message(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="header row 5 is past the end"):
        read_csv_export(path, header_row=5)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: no disk space, no time
        handle.write(b"a;b\n1;2\n")
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    with pytest.raises(InputFileError, match="the readers accept at most 1,024 MiB"):
        read_csv_export(path)


def test_a_sav_file_over_the_cell_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "answers.sav"
    pyreadstat.write_sav(pd.DataFrame({"a": range(100), "b": range(100)}), str(path))
    assert read_sav(path).frame.shape == (100, 2)
    monkeypatch.setattr(limits, "MAX_CELLS", 150)
    with pytest.raises(InputFileError, match=r"100 rows × 2 columns.*at most 150 cells"):
        read_sav(path)
