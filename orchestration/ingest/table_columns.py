"""What each column under an indicator table's header holds: the total, a disaggregation, a label,
or something the warehouse does not know — which is reported, never silently dropped.

A split value area is headed on one row (`Tổng số | Nam | Nữ`) or on two, a spanning "Trong đó"
cell over the split and the options on the row below (`Tổng số | Trong đó ─┬─` / `| Nữ | Dưới 15
tuổi`); a header row above the table's own ("Trong đó" alone) is ignored by the folding itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest.text import cell_text, label_key
from orchestration.lib.disaggregations import OptionHeaders, header_key
from orchestration.lib.workbook.reader import Sheet

# Columns a form carries for people to read; their content is never a figure of the indicator.
LABEL_HEADERS = frozenset({
    "stt", "tt", "so tt", "ten chi so", "chi so", "noi dung", "don vi tinh", "dvt", "don vi", "ghi chu",
    "ten dia ban", "ten don vi", "ma so",
})
_OF_WHICH = "trongdo"


@dataclass(frozen=True)
class TableColumns:
    options: dict[int, tuple[str, str]]  # column -> (dimension_code, option_code)
    labels: frozenset[int]  # STT, Tên chỉ số, Đơn vị tính, Ghi chú ...
    headers: dict[int, str]  # column -> its header as written, for naming an unknown column

    def is_unknown(self, column: int) -> bool:
        return column not in self.options and column not in self.labels


def table_columns(sheet: Sheet, header_row: int, known: frozenset[int], options: OptionHeaders) -> TableColumns:
    """`known`: the code, total and area columns the header row already names (taken as labels)."""
    top = sheet.rows[header_row]
    below = sheet.rows[header_row + 1] if header_row + 1 < len(sheet.rows) else ()
    recognised: dict[int, tuple[str, str]] = {}
    labels = set(known)
    headers: dict[int, str] = {}
    for column in range(max(len(top), len(below))):
        if column in known:
            continue
        texts = [text for text in (_text(top, column), _text(below, column)) if text]
        if not texts:
            continue
        option = next((options.option_of(text) for text in texts if options.option_of(text)), None)
        if option is not None:
            recognised[column] = option
        elif any(label_key(text) in LABEL_HEADERS for text in texts):
            labels.add(column)
        else:
            headers[column] = " / ".join(text for text in texts if header_key(text) != _OF_WHICH) or texts[0]
    return TableColumns(recognised, frozenset(labels), headers)


def _text(row: tuple, column: int) -> str | None:
    return cell_text(row[column]) if column < len(row) else None
