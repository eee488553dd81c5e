"""Writers for hand-made hostile or broken files: what Excel, LibreOffice and a careless or
malicious sender produce, built byte by byte where no library would produce them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Callable, Sequence

import msoffcrypto.format.ooxml
import xlsxwriter
import xlwt

from tests.ingest.ingest_builders import SHEET, report_rows, write_ods, write_xlsx

Grid = Sequence[Sequence[Any]]


def write_xls(path: Path, rows: Grid, far_cell: tuple[int, int, Any] | None = None) -> Path:
    """A real BIFF8 .xls, as Excel 97-2003 writes it."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    if far_cell is not None:
        sheet.write(*far_cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def write_xlsx_with_formulas(path: Path, rows: Grid, formulas: dict[tuple[int, int], tuple[str, float]]) -> Path:
    """Formulas with their cached results, as Excel saves them (openpyxl cannot write results)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(SHEET)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for (r, c), (formula, result) in formulas.items():
        sheet.write_formula(r, c, formula, None, result)
    book.close()
    return path


def write_encrypted(path: Path, password: str = "matkhau") -> Path:
    """A workbook protected with 'Encrypt with password' (agile encryption, as Office does)."""
    plain = write_xlsx(path.with_suffix(".plain.xlsx"), {SHEET: report_rows()})
    with plain.open("rb") as source, path.open("wb") as target:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt(password, target)
    plain.unlink()
    return path


def write_truncated(path: Path) -> Path:
    whole = write_xlsx(path, {SHEET: report_rows()}).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def rewrite_zip(
    path: Path,
    extra: dict[str, tuple[bytes, int]] | None = None,
    transform: Callable[[str, bytes], bytes] = lambda name, data: data,
) -> Path:
    """Rebuild a package part by part: `transform` edits parts, `extra` adds (bytes, compression)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            target.writestr(part.filename, transform(part.filename, source.read(part)))
        for name, (data, compression) in (extra or {}).items():
            target.writestr(name, data, compress_type=compression)
    return path


def report_with_parts(path: Path, parts: dict[str, tuple[bytes, int]], **report: Any) -> Path:
    return rewrite_zip(write_xlsx(path, {SHEET: report_rows(**report)}), extra=parts)


def report_with_far_cell(path: Path, row: int, column: int) -> Path:
    grid = [list(r) for r in report_rows()]
    grid += [[] for _ in range(row - len(grid) - 1)] + [[None] * (column - 1) + ["?"]]
    return write_xlsx(path, {SHEET: grid})


def with_billion_laughs(path: Path) -> Path:
    """The classic entity-expansion bomb, in the workbook part calamine reads first."""
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    doctype = f'<!DOCTYPE workbook [{entities}]>'.encode()

    def add_doctype(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        start = data.index(b"<workbook")
        return data[:start] + doctype + data[start:]

    return rewrite_zip(write_xlsx(path, {SHEET: report_rows()}), transform=add_doctype)


def ods_with_repeated_rows(path: Path, repeat: int) -> Path:
    """One valued row repeated `repeat` times: a few bytes that unfold into a huge sheet."""
    write_ods(path, SHEET, report_rows())

    def repeat_last_row(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        row = b'<table:table-row table:number-rows-repeated="%d"><table:table-cell office:value-type="float" ' \
              b'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>' % repeat
        return data.replace(b"</table:table>", row + b"</table:table>")

    return rewrite_zip(path, transform=repeat_last_row)
