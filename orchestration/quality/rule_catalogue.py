"""The data-quality rules: code, family, severity and what a unit is told, in one table.

A rule's family is the Great Expectations suite that decides it and the Dagster asset check that
reports it (`rule_suites.py`). Severity says what happens to the value: an error holds back
exactly the value(s) it is about (unit, indicator, period) while everything else publishes; a
warning publishes the value and flags it. Every message says what is wrong, then how to fix it,
in the words of a provincial statistician with the workbook open next to it; `{fields}` are filled
from the row GX failed (see `finding_messages.py` for the fields each family offers).

Pure data, importable without GX, so the catalogue can be tested and documented cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Family = Literal[
    "validity", "related_indicators", "reporting", "value_completeness", "outliers", "consistency_over_time"
]
FAMILIES: tuple[Family, ...] = (
    "validity", "related_indicators", "reporting", "value_completeness", "outliers", "consistency_over_time"
)
FAMILY_TITLES: dict[Family, tuple[str, str]] = {
    "validity": ("Tính hợp lệ của giá trị", "Validity of values"),
    "related_indicators": ("Quan hệ giữa các chỉ số", "Related indicators"),
    "reporting": ("Tính đầy đủ và kịp thời của báo cáo", "Completeness and timeliness of reporting"),
    "value_completeness": ("Tính đầy đủ của số liệu chỉ số", "Completeness of indicator data"),
    "outliers": ("Giá trị bất thường", "Outliers against the unit's own history"),
    "consistency_over_time": ("Tính nhất quán theo thời gian", "Consistency over time"),
}


@dataclass(frozen=True)
class Rule:
    code: str
    family: Family
    severity: Severity
    checks_en: str  # what the rule checks, for the catalogue and the Dagster check
    problem_vi: str
    problem_en: str
    fix_vi: str
    fix_en: str


@dataclass(frozen=True)
class PairRule:
    """`lesser` may never exceed `greater`. Over `year_to_date` a month is blamed only when it pushes
    the running totals out of order itself: catch-up doses can make DTP3 exceed DTP1 in one month,
    which is no error while the year as a whole stays in order."""

    rule_code: str
    lesser: str
    greater: str
    window: Literal["period", "year_to_date"]


PAIR_RULES: tuple[PairRule, ...] = (
    PairRule("DQ_SATISFIED_ABOVE_SURVEYED", "SATISFACTION_SATISFIED", "SATISFACTION_SURVEYED", "period"),
    PairRule("DQ_DTP3_ABOVE_DTP1", "DTP3", "DTP1", "year_to_date"),
    PairRule("DQ_IMM_FULL_ABOVE_DTP3", "IMM_FULL_U1", "DTP3", "year_to_date"),
)

_HELD_VI = "giá trị bị giữ lại, không công bố"
_HELD_EN = "the value is held back from publication"
_PAIR_HELD_VI = "cả hai giá trị của kỳ này bị giữ lại, không công bố"
_PAIR_HELD_EN = "both values of this period are held back from publication"
_FLAGGED_VI = "giá trị vẫn được công bố kèm cảnh báo"
_FLAGGED_EN = "the value is published with a warning"
_RESEND_VI = "sửa trong tệp rồi gửi lại tệp"
_RESEND_EN = "correct it in the workbook and send the file again"

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "DQ_NEGATIVE_COUNT", "validity", "error",
            "Counts (people, visits, cases, beds) are not negative.",
            f"{{indicator_code}} kỳ {{period_code}} là {{value}}, một số âm; số đếm không thể âm — {_HELD_VI}.",
            f"{{indicator_code}} for {{period_code}} is {{value}}, a negative number; a count cannot be "
            f"negative — {_HELD_EN}.",
            f"nhập số đúng (0 hoặc lớn hơn), {_RESEND_VI}.",
            f"enter the right count (0 or more), {_RESEND_EN}.",
        ),
        Rule(
            "DQ_FRACTIONAL_COUNT", "validity", "error",
            "Counts are whole numbers.",
            f"{{indicator_code}} kỳ {{period_code}} là {{value}}, không phải số nguyên; người, lượt, ca hay "
            f"giường phải đếm bằng số nguyên — {_HELD_VI}.",
            f"{{indicator_code}} for {{period_code}} is {{value}}, not a whole number; people, visits, cases "
            f"and beds are counted in whole numbers — {_HELD_EN}.",
            "kiểm tra dấu phân cách (1.384 là một nghìn ba trăm tám mươi tư, 1,384 là một phẩy ba tám tư), "
            f"nhập số nguyên, {_RESEND_VI}.",
            "check the separators (in Vietnamese notation 1.384 is one thousand three hundred and "
            f"eighty-four, 1,384 is one point three eight four), enter a whole number, {_RESEND_EN}.",
        ),
        Rule(
            "DQ_ABOVE_RANGE", "validity", "error",
            "A value is at most the indicator's highest plausible value in the catalogue.",
            f"{{indicator_code}} kỳ {{period_code}} là {{value}}, lớn hơn mức hợp lý cao nhất {{max_value}} "
            f"trong danh mục chỉ số — {_HELD_VI}.",
            f"{{indicator_code}} for {{period_code}} is {{value}}, above the highest plausible value "
            f"{{max_value}} in the indicator catalogue — {_HELD_EN}.",
            "kiểm tra chữ số gõ thừa hoặc nhầm đơn vị tính, "
            f"{_RESEND_VI}; nếu số liệu đúng, báo Sở Y tế để điều chỉnh danh mục.",
            f"look for an extra digit or a wrong unit of measure, {_RESEND_EN}; if the figure is right, "
            "ask the health department to widen the catalogue's range.",
        ),
        Rule(
            "DQ_BELOW_RANGE", "validity", "error",
            "A value is at least the indicator's lowest plausible value in the catalogue.",
            f"{{indicator_code}} kỳ {{period_code}} là {{value}}, nhỏ hơn mức hợp lý thấp nhất {{min_value}} "
            f"trong danh mục chỉ số — {_HELD_VI}.",
            f"{{indicator_code}} for {{period_code}} is {{value}}, below the lowest plausible value "
            f"{{min_value}} in the indicator catalogue — {_HELD_EN}.",
            f"kiểm tra chữ số bị thiếu, {_RESEND_VI}; nếu số liệu đúng, báo Sở Y tế để điều chỉnh danh mục.",
            f"look for a missing digit, {_RESEND_EN}; if the figure is right, ask the health department "
            "to widen the catalogue's range.",
        ),
        Rule(
            "DQ_SATISFIED_ABOVE_SURVEYED", "related_indicators", "error",
            "Satisfied patients do not exceed patients surveyed, in the same period.",
            "số người bệnh hài lòng ({lesser_value}) lớn hơn số người được khảo sát ({greater_value}) "
            f"trong kỳ {{period_code}} — {_PAIR_HELD_VI}.",
            "satisfied patients ({lesser_value}) exceed patients surveyed ({greater_value}) in "
            f"{{period_code}} — {_PAIR_HELD_EN}.",
            f"kiểm tra hai dòng SATISFACTION_SATISFIED và SATISFACTION_SURVEYED (có thể bị đảo), {_RESEND_VI}.",
            f"check the SATISFACTION_SATISFIED and SATISFACTION_SURVEYED rows (they may be swapped), "
            f"{_RESEND_EN}.",
        ),
        Rule(
            "DQ_DTP3_ABOVE_DTP1", "related_indicators", "error",
            "Over the year to date DTP3 does not exceed DTP1; the month that breaks the order is blamed.",
            "cộng dồn từ đầu năm đến kỳ {period_code}, số trẻ tiêm DPT3 ({window_lesser}) vượt số trẻ tiêm "
            "DPT1 ({window_greater}), và riêng kỳ này DPT3 ({lesser_value}) lớn hơn DPT1 ({greater_value}); "
            f"trẻ phải tiêm mũi 1 trước mũi 3 — {_PAIR_HELD_VI}.",
            "over the year to {period_code} children given DTP3 ({window_lesser}) outnumber those given "
            "DTP1 ({window_greater}), and this period alone has DTP3 ({lesser_value}) above DTP1 "
            f"({{greater_value}}); a child gets dose 1 before dose 3 — {_PAIR_HELD_EN}.",
            f"đối chiếu sổ tiêm chủng (DPT1 bị thiếu hoặc DPT3 ghi nhầm), {_RESEND_VI}.",
            f"check the immunisation register (DTP1 missing or DTP3 mistyped), {_RESEND_EN}.",
        ),
        Rule(
            "DQ_IMM_FULL_ABOVE_DTP3", "related_indicators", "error",
            "Over the year to date fully immunised children do not exceed DTP3; the month that breaks the "
            "order is blamed.",
            "cộng dồn từ đầu năm đến kỳ {period_code}, số trẻ tiêm chủng đầy đủ ({window_lesser}) vượt số trẻ "
            "tiêm DPT3 ({window_greater}), và riêng kỳ này {lesser_value} lớn hơn {greater_value}; trẻ tiêm "
            f"chủng đầy đủ phải đã tiêm DPT3 — {_PAIR_HELD_VI}.",
            "over the year to {period_code} fully immunised children ({window_lesser}) outnumber those given "
            "DTP3 ({window_greater}), and this period alone has {lesser_value} above {greater_value}; a fully "
            f"immunised child has had DTP3 — {_PAIR_HELD_EN}.",
            f"đối chiếu sổ tiêm chủng (IMM_FULL_U1 và DTP3), {_RESEND_VI}.",
            f"check the immunisation register (IMM_FULL_U1 and DTP3), {_RESEND_EN}.",
        ),
        Rule(
            "DQ_REPORT_MISSING", "reporting", "warning",
            "Every report a unit owes (it exists for the whole period and reports at that frequency) "
            "has arrived once its deadline has passed.",
            "chưa nhận được báo cáo kỳ {period_code}; hạn nộp là {due_date} ({deadline_days} ngày làm việc "
            "sau kỳ báo cáo theo {regime_code}).",
            "no report for {period_code} has arrived; it was due on {due_date} ({deadline_days} working days "
            "after the period under {regime_code}).",
            "gửi báo cáo kỳ {period_code} vào hộp thư của Sở Y tế ngay.",
            "send the {period_code} report to the health department's inbox now.",
        ),
        Rule(
            "DQ_REPORT_LATE", "reporting", "warning",
            "A report's first readable file arrived by its deadline, counted in Vietnamese working days "
            "(weekends, Tết, public holidays and compensatory days off excluded).",
            "báo cáo kỳ {period_code} đến ngày {arrival_date}, muộn {working_days_late} ngày làm việc so với "
            "hạn {due_date} ({deadline_days} ngày làm việc sau kỳ báo cáo theo {regime_code}).",
            "the {period_code} report arrived on {arrival_date}, {working_days_late} working day(s) after "
            "its deadline {due_date} ({deadline_days} working days after the period under {regime_code}).",
            "gửi các báo cáo sau trong vòng {deadline_days} ngày làm việc sau khi kết thúc kỳ báo cáo.",
            "send later reports within {deadline_days} working days of the end of the period.",
        ),
        Rule(
            "DQ_VALUE_MISSING", "value_completeness", "warning",
            "A report carries every indicator the unit owes at that frequency.",
            "báo cáo kỳ {period_code} thiếu chỉ số {indicator_code} mà đơn vị phải báo cáo.",
            "the {period_code} report lacks {indicator_code}, which the unit must report.",
            f"bổ sung giá trị (nhập 0 nếu không có trường hợp nào), {_RESEND_VI}.",
            f"add the value (enter 0 if there were none), {_RESEND_EN}.",
        ),
        Rule(
            "DQ_OUTLIER_EXTREME", "outliers", "warning",
            "A value whose modified z-score against the unit's own history (0.6745·|x − median| / MAD, at "
            "least 6 earlier periods) is 3.5 or more and that lies 3 SD or more from the history's mean.",
            "{indicator_code} kỳ {period_code} là {value}, {direction_vi} bất thường so với chính đơn vị: "
            "trung vị {history_count} kỳ trước là {baseline_median}, điểm z hiệu chỉnh {modified_z}, lệch "
            f"{{sd_distance}} độ lệch chuẩn (bất thường nghiêm trọng, từ 3 SD) — {_FLAGGED_VI}.",
            "{indicator_code} for {period_code} is {value}, unusually {direction_en} for this unit: the "
            "median of its {history_count} earlier periods is {baseline_median}, modified z-score "
            f"{{modified_z}}, {{sd_distance}} standard deviations away (extreme, 3 SD or more) — {_FLAGGED_EN}.",
            f"đối chiếu với sổ sách gốc; nếu sai, {_RESEND_VI}; nếu đúng, ghi lý do vào cột Ghi chú.",
            f"check the source registers; if it is wrong, {_RESEND_EN}; if it is right, give the reason "
            "in the notes column.",
        ),
        Rule(
            "DQ_OUTLIER_MODERATE", "outliers", "warning",
            "As DQ_OUTLIER_EXTREME, for a value 2 to 3 SD from the history's mean.",
            "{indicator_code} kỳ {period_code} là {value}, {direction_vi} bất thường so với chính đơn vị: "
            "trung vị {history_count} kỳ trước là {baseline_median}, điểm z hiệu chỉnh {modified_z}, lệch "
            f"{{sd_distance}} độ lệch chuẩn (bất thường vừa, 2–3 SD) — {_FLAGGED_VI}.",
            "{indicator_code} for {period_code} is {value}, unusually {direction_en} for this unit: the "
            "median of its {history_count} earlier periods is {baseline_median}, modified z-score "
            f"{{modified_z}}, {{sd_distance}} standard deviations away (moderate, 2–3 SD) — {_FLAGGED_EN}.",
            f"đối chiếu với sổ sách gốc; nếu sai, {_RESEND_VI}; nếu đúng, ghi lý do vào cột Ghi chú.",
            f"check the source registers; if it is wrong, {_RESEND_EN}; if it is right, give the reason "
            "in the notes column.",
        ),
        Rule(
            "DQ_RARE_EVENT", "outliers", "warning",
            "Rare events (maternal deaths) are never judged by z-score: every non-zero count is reviewed.",
            "báo cáo {value} trường hợp {indicator_code} trong kỳ {period_code}; đây là sự kiện hiếm, mỗi "
            f"trường hợp cần được rà soát — {_FLAGGED_VI}.",
            "{value} case(s) of {indicator_code} reported for {period_code}; this is a rare event and every "
            f"case is reviewed — {_FLAGGED_EN}.",
            "xác nhận từng trường hợp với hồ sơ (phiếu báo tử, bệnh án); nếu đúng thì không cần sửa.",
            "confirm each case against its records (death notification, case notes); if they are right "
            "nothing needs fixing.",
        ),
        Rule(
            "DQ_YEAR_INCONSISTENT", "consistency_over_time", "warning",
            "A year's value is within ±33 % of the mean of up to three earlier years, like for like "
            "(the same months), where that mean is at least 100.",
            "{indicator_code} năm {period_code} ({months_compared} tháng/quý đầu năm) là {current_value}, "
            "bằng {ratio_pct}% trung bình cùng kỳ của {prior_years} năm trước ({baseline_mean}); chênh lệch "
            "vượt ±33%.",
            "{indicator_code} for {period_code} (first {months_compared} months/quarters) is {current_value}, "
            "{ratio_pct}% of the mean of the same months in {prior_years} earlier year(s) ({baseline_mean}); "
            "the difference exceeds ±33%.",
            "rà soát các tháng trong năm để tìm tháng bị thiếu hoặc gõ nhầm; nếu thay đổi là thật (mở rộng "
            "dịch vụ, sáp nhập), báo Sở Y tế.",
            "go through the year's months for one missing or mistyped; if the change is real (a new service, "
            "a merger), tell the health department.",
        ),
    )
}


def rules_of(family: Family) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES.values() if rule.family == family)
