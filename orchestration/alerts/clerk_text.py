"""What a finding says to the clerk who typed the figure: one sentence, one action, no jargon.

The findings' own messages (`message_vi`, `message_en`) are written for the data officer: they name
indicator and rule codes and explain outliers with modified z-scores and standard deviations. A
commune clerk reads the indicator as it is printed on the form, what looks wrong with the number
they typed, and what to do: fix and resend an error, check and confirm a warning (a reason in the
Ghi chú column settles it). The officer's messages stay available in the e-mail's technical part.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from orchestration.alerts.model import FindingRow

FIX_VI = "Đề nghị sửa và gửi lại."
FIX_EN = "Please fix it and send the file again."
CONFIRM_VI = "Đề nghị kiểm tra và xác nhận (ghi lý do vào cột Ghi chú nếu số liệu đúng)."
CONFIRM_EN = "Please check it and confirm (write the reason in the Ghi chú column if the figure is right)."

_AREA = ("mã địa bàn ở dòng này không khớp với danh mục địa bàn của đơn vị",
         "the area code on this row does not match the unit's list of areas")
_UNREADABLE = ("tệp không mở được (hỏng, có mật khẩu hoặc không đúng định dạng bảng tính)",
               "the file cannot be opened (damaged, password-protected or not a spreadsheet)")
_TOO_LARGE = ("tệp quá lớn hoặc có quá nhiều trang, dòng, cột để đọc",
              "the file is too large or has too many sheets, rows or columns to read")
_IDENTITY = ("không đọc được mã đơn vị hoặc kỳ báo cáo ở đầu trang đầu tiên",
             "the unit code or the reporting period at the top of the first sheet cannot be read")

# What looks wrong, by rule; `{value}` is the figure as the unit typed it.
PROBLEMS: dict[str, tuple[str, str]] = {
    "DQ_NEGATIVE_COUNT": ("số đã ghi là {value}, một số âm, trong khi số đếm không thể âm",
                          "the figure typed is {value}, a negative number, but a count cannot be negative"),
    "DQ_FRACTIONAL_COUNT": ("số đã ghi là {value}, có phần lẻ, trong khi số người, số lượt phải là số nguyên "
                            "(1.384 là một nghìn ba trăm tám mươi tư, 1,384 là một phẩy ba tám tư)",
                            "the figure typed is {value}, with decimals, but people and visits are whole numbers "
                            "(in Vietnamese notation 1.384 is one thousand three hundred and eighty-four)"),
    "DQ_ABOVE_RANGE": ("số đã ghi ({value}) lớn hơn mức có thể xảy ra, có thể gõ thừa chữ số hoặc nhầm đơn vị tính",
                       "the figure typed ({value}) is higher than is possible: an extra digit or a wrong unit?"),
    "DQ_BELOW_RANGE": ("số đã ghi ({value}) nhỏ hơn mức có thể xảy ra, có thể gõ thiếu chữ số",
                       "the figure typed ({value}) is lower than is possible: a missing digit?"),
    "DQ_SATISFIED_ABOVE_SURVEYED": ("số người bệnh hài lòng lớn hơn số người được khảo sát, hai dòng này có thể "
                                    "bị ghi đảo", "more patients are satisfied than were surveyed; the two rows "
                                    "may be swapped"),
    "DQ_DTP3_ABOVE_DTP1": ("tính từ đầu năm, số trẻ tiêm mũi 3 vắc xin DPT nhiều hơn số trẻ tiêm mũi 1",
                           "since the start of the year more children had dose 3 of DTP than dose 1"),
    "DQ_IMM_FULL_ABOVE_DTP3": ("tính từ đầu năm, số trẻ tiêm chủng đầy đủ nhiều hơn số trẻ tiêm mũi 3 vắc xin DPT",
                               "since the start of the year more children are fully immunised than had dose 3 "
                               "of DTP"),
    "DQ_REPORT_MISSING": ("chưa nhận được báo cáo của kỳ này", "the report for this period has not arrived"),
    "DQ_REPORT_LATE": ("báo cáo đến sau hạn nộp", "the report arrived after its deadline"),
    "DQ_VALUE_MISSING": ("ô số liệu để trống (ghi 0 nếu không có trường hợp nào, x nếu chỉ số không áp dụng "
                         "cho đơn vị)", "the value cell is empty (write 0 if there were none, x if the indicator "
                         "does not apply to the unit)"),
    "DQ_OUTLIER_EXTREME": ("số đã ghi ({value}) khác rất nhiều so với các kỳ trước của đơn vị",
                           "the figure typed ({value}) is very different from the unit's earlier periods"),
    "DQ_OUTLIER_MODERATE": ("số đã ghi ({value}) khác khá nhiều so với các kỳ trước của đơn vị",
                            "the figure typed ({value}) is quite different from the unit's earlier periods"),
    "DQ_RARE_EVENT": ("đơn vị báo cáo {value} trường hợp; đây là sự kiện hiếm nên mỗi trường hợp cần đối chiếu "
                      "với hồ sơ", "the unit reports {value} case(s); this is a rare event, so each case is "
                      "checked against its records"),
    "DQ_YEAR_INCONSISTENT": ("tổng cả năm chênh lệch nhiều so với các năm trước, có thể một tháng bị thiếu hoặc "
                             "gõ nhầm", "the year's total differs a lot from earlier years: a month missing or "
                             "mistyped?"),
    "MODEL_REPORTED_RATE_MISMATCH": ("tỷ lệ đơn vị ghi khác với tỷ lệ tính từ tử số và mẫu số đơn vị đã báo cáo",
                                     "the rate typed differs from the one computed from the unit's own numerator "
                                     "and denominator"),
    "MODEL_REPORTED_RATE_UNVERIFIED": ("không đối chiếu được tỷ lệ đơn vị ghi vì thiếu tử số hoặc mẫu số",
                                       "the rate typed cannot be checked: its numerator or denominator is missing"),
    "MODEL_PERIOD_TOTAL_MISMATCH": ("số của kỳ này khác với tổng các tháng đơn vị đã báo cáo",
                                    "this period's figure differs from the sum of the months the unit reported"),
    "ING_UNKNOWN_INDICATOR": ("mã chỉ số ở dòng này không có trong biểu mẫu, số liệu không được nhận",
                              "the indicator code on this row is not on the form; the figure is not taken"),
    "ING_UNPARSEABLE_VALUE": ("ô này ghi «{value}», không phải là một số",
                              "this cell holds «{value}», which is not a number"),
    "ING_NON_ASCII_DIGITS": ("số được gõ bằng chữ số lạ, không phải 0-9 (thường do bộ gõ)",
                             "the number is typed with digits other than 0-9 (usually an input method)"),
    "ING_FORMULA_WITHOUT_VALUE": ("ô là công thức nhưng tệp không lưu kết quả tính",
                                  "the cell is a formula but the file holds no computed result"),
    "ING_PERCENT_IN_COUNT": ("ô ghi dấu % cho một số đếm", "the cell has a % sign on a count"),
    "ING_DUPLICATE_ROW": ("chỉ số này được ghi hai lần trong tệp", "this indicator appears twice in the file"),
    "ING_NOT_OBLIGED": ("đơn vị không phải báo cáo chỉ số này; số liệu vẫn được nhận",
                        "the unit does not have to report this indicator; the figure is still taken"),
    "ING_UNKNOWN_AREA": _AREA, "ING_MISSING_AREA": _AREA, "ING_UNEXPECTED_AREA": _AREA, "ING_AREA_INACTIVE": _AREA,
    "ING_NO_IDENTITY": _IDENTITY, "ING_NO_UNIT_CODE": _IDENTITY, "ING_NO_PERIOD": _IDENTITY,
    "ING_BAD_PERIOD": ("kỳ báo cáo ghi ở đầu tệp không đọc được (ví dụ đúng: Tháng 3/2025)",
                       "the reporting period at the top cannot be read (e.g. Tháng 3/2025)"),
    "ING_FUTURE_PERIOD": ("kỳ báo cáo ghi ở đầu tệp chưa kết thúc", "the reporting period has not ended yet"),
    "ING_FREQUENCY_MISMATCH": ("đơn vị không phải báo cáo theo kỳ này (tháng, quý hay năm)",
                               "the unit does not report for this kind of period (month, quarter or year)"),
    "ING_UNKNOWN_UNIT": ("mã đơn vị ghi ở đầu tệp không có trong danh mục",
                         "the unit code at the top is not in the list of units"),
    "ING_UNIT_INACTIVE": ("mã đơn vị ghi ở đầu tệp không còn hoạt động trong kỳ này",
                          "the unit code at the top is not active in this period"),
    "ING_CONFLICTING_UNIT": ("tệp ghi hai mã đơn vị khác nhau", "the file names two different units"),
    "ING_FILE_NAME_UNIT_MISMATCH": ("tên tệp mang mã của một đơn vị khác với mã ghi trong tệp",
                                    "the file name carries another unit's code than the one inside"),
    "ING_NO_TABLE": ("không tìm thấy bảng chỉ số (cột Mã chỉ số và cột Giá trị)",
                     "the indicator table (columns Mã chỉ số and Giá trị) cannot be found"),
    "ING_NO_VALUES": ("bảng chỉ số không có số liệu nào", "the indicator table holds no figures"),
    "ING_EMPTY_WORKBOOK": ("tệp không có trang nào có nội dung", "the file has no sheet with content"),
    "ING_DUPLICATE_FILE": ("tệp trùng hoàn toàn với một tệp đã gửi trước", "the file repeats one already sent"),
    "ING_CORRUPT_FILE": _UNREADABLE, "ING_ENCRYPTED_FILE": _UNREADABLE, "ING_UNREADABLE": _UNREADABLE,
    "ING_UNSAFE_XML": _UNREADABLE, "ING_UNSUPPORTED_FORMAT": _UNREADABLE, "ING_WORKBOOK_NAMED_CSV": _UNREADABLE,
    "ING_BAD_ENCODING": ("tệp văn bản không dùng bảng mã UTF-8 nên chữ tiếng Việt bị lỗi",
                         "the text file is not UTF-8, so Vietnamese letters are garbled"),
    "ING_LIMIT_FILE_SIZE": _TOO_LARGE, "ING_LIMIT_UNCOMPRESSED_SIZE": _TOO_LARGE,
    "ING_LIMIT_COMPRESSION_RATIO": _TOO_LARGE, "ING_LIMIT_ZIP_ENTRIES": _TOO_LARGE, "ING_LIMIT_SHEETS": _TOO_LARGE,
    "ING_LIMIT_ROWS": _TOO_LARGE, "ING_LIMIT_COLUMNS": _TOO_LARGE,
}
_FALLBACK = ("số liệu ở đây cần được xem lại", "this figure needs a second look")
# Warnings that ask nothing to be confirmed in the file.
_ACTIONS: dict[str, tuple[str, str]] = {
    "DQ_REPORT_LATE": ("Đề nghị gửi các kỳ sau đúng hạn.", "Please send later reports on time."),
    "ING_DUPLICATE_FILE": ("Không cần làm gì thêm.", "Nothing more is needed."),
    "ING_NOT_OBLIGED": ("Không cần làm gì thêm.", "Nothing more is needed."),
}


@dataclass(frozen=True)
class ClerkText:
    indicator_vi: str  # the name printed on the unit's form
    indicator_en: str
    problem_vi: str
    problem_en: str
    action_vi: str
    action_en: str

    @property
    def sentence_vi(self) -> str:
        return f"{_capitalised(self.problem_vi)}. {self.action_vi}"

    @property
    def sentence_en(self) -> str:
        return f"{_capitalised(self.problem_en)}. {self.action_en}"


def clerk_text(finding: FindingRow, indicator_names: Mapping[str, tuple[str, str]]) -> ClerkText:
    """`indicator_names`: code -> (name on the Vietnamese form, English name)."""
    problem_vi, problem_en = PROBLEMS.get(finding.rule_code, _FALLBACK)
    value_vi, value_en = typed_value(finding.value_text)
    if finding.severity == "error":
        action = (FIX_VI, FIX_EN)
    else:
        action = _ACTIONS.get(finding.rule_code, (CONFIRM_VI, CONFIRM_EN))
    if finding.indicator_code is None:
        names = ("Cả tệp", "Whole file")
    else:
        names = indicator_names.get(finding.indicator_code, ("Dòng có mã chỉ số không có trong biểu mẫu",
                                                             "Row with a code not on the form"))
    return ClerkText(names[0], names[1], problem_vi.format(value=value_vi), problem_en.format(value=value_en),
                     *action)


def typed_value(value_text: str | None) -> tuple[str, str]:
    """A plain number (as the warehouse stores it) in each reader's notation; other text as typed."""
    if not value_text:
        return ("?", "?")
    try:
        number = float(value_text)
    except ValueError:
        return (value_text, value_text)
    english = f"{number:,.2f}".rstrip("0").rstrip(".")
    return (english.replace(",", "\0").replace(".", ",").replace("\0", "."), english)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
