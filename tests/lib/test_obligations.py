"""Who owes which report, and the one classification of on time, late, missing and not yet due."""

from datetime import date, timedelta

from orchestration.lib.obligations import (
    accepts_cumulative_report,
    areas_reported_on,
    classify,
    expected_reports,
    indicators_owed,
    owing_units,
    report_timeliness,
)
from orchestration.lib.periods import half_year_period, month_period, nine_months_period, quarter_period
from orchestration.lib.registry import (
    Indicator,
    Obligation,
    OrgUnit,
    ParentLink,
    PublicHoliday,
    Registry,
    ReportingDeadline,
    UnitObligation,
)
from orchestration.lib.working_days import WorkingCalendar


def unit(code: str, unit_type: str, valid_from=date(2020, 1, 1), valid_to=None) -> OrgUnit:
    return OrgUnit(code, code, unit_type, None, valid_from, valid_to, None)


REGISTRY = Registry(
    org_units={u.code: u for u in [
        unit("QN", "province"),
        unit("TYT-B", "commune_station"),
        unit("TYT-A", "commune_station", valid_to=date(2025, 6, 30)),
        unit("TYT-C", "commune_station", valid_from=date(2025, 7, 1)),
        unit("CTK", "statistics_office"),
        unit("BV-A", "hospital"),
        unit("BV-B", "hospital"),
    ]},
    indicators={
        "OPD_VISITS": Indicator("OPD_VISITS", "Lượt khám", "Visits", "reported", "Lượt", "flow"),
        "LIVE_BIRTHS": Indicator("LIVE_BIRTHS", "Trẻ đẻ sống", "Live births", "reported", "Trẻ", "flow"),
        "POPULATION": Indicator("POPULATION", "Dân số", "Population", "reference", "Người", "yearly"),
    },
    obligations=(
        Obligation("commune_station", "OPD_VISITS", "monthly"),
        Obligation("statistics_office", "POPULATION", "quarterly"),
        Obligation("hospital", "OPD_VISITS", "monthly"),
        Obligation("hospital", "LIVE_BIRTHS", "monthly"),
    ),
    unit_obligations=(
        # BV-A closes its maternity ward from April 2025; BV-B's commune births are owed from July.
        UnitObligation("BV-A", "LIVE_BIRTHS", "monthly", "exempt", date(2025, 4, 1), None, None),
        UnitObligation("TYT-B", "LIVE_BIRTHS", "monthly", "owes", date(2025, 7, 1), None, None),
    ),
    deadlines=(ReportingDeadline("TT23-2025", date(2019, 1, 1), None, "*", 5),),
    holidays=tuple(PublicHoliday(date(2025, 1, 25) + timedelta(days=n), "Tết", "holiday") for n in range(9)),
)
JANUARY = month_period(2025, 1)


def test_a_unit_owes_what_its_type_reports_at_the_period_frequency_and_nothing_cumulative():
    station = REGISTRY.org_units["TYT-A"]
    assert indicators_owed(REGISTRY, station, JANUARY) == ("OPD_VISITS",)
    assert indicators_owed(REGISTRY, station, quarter_period(2025, 1)) == ()
    assert indicators_owed(REGISTRY, station, half_year_period(2025, 1)) == ()


def test_a_single_unit_is_exempted_or_obliged_from_the_day_its_row_is_in_force():
    hospital_a, hospital_b, station = (REGISTRY.org_units[code] for code in ("BV-A", "BV-B", "TYT-B"))
    assert indicators_owed(REGISTRY, hospital_a, month_period(2025, 3)) == ("OPD_VISITS", "LIVE_BIRTHS")
    assert indicators_owed(REGISTRY, hospital_a, month_period(2025, 4)) == ("OPD_VISITS",)
    assert indicators_owed(REGISTRY, hospital_b, month_period(2025, 4)) == ("OPD_VISITS", "LIVE_BIRTHS")
    assert indicators_owed(REGISTRY, station, month_period(2025, 6)) == ("OPD_VISITS",)
    assert indicators_owed(REGISTRY, station, month_period(2025, 7)) == ("OPD_VISITS", "LIVE_BIRTHS")
    # The report register (completeness, reminders) and the templates ask the same question.
    [report] = [r for r in expected_reports(REGISTRY, [month_period(2025, 5)]) if r.unit.code == "BV-A"]
    assert report.indicator_codes == ("OPD_VISITS",)


def test_a_units_own_cumulative_report_is_accepted_over_the_months_it_reports():
    station, office = REGISTRY.org_units["TYT-B"], REGISTRY.org_units["CTK"]
    assert accepts_cumulative_report(REGISTRY, station, half_year_period(2025, 1))
    assert accepts_cumulative_report(REGISTRY, station, nine_months_period(2025))
    assert not accepts_cumulative_report(REGISTRY, station, month_period(2025, 1))
    # A quarterly source may send its own half year of quarters; a unit that reports nothing may not.
    assert accepts_cumulative_report(REGISTRY, office, half_year_period(2025, 1))
    assert not accepts_cumulative_report(REGISTRY, REGISTRY.org_units["QN"], half_year_period(2025, 1))


def test_only_units_active_for_the_whole_period_owe_it_in_registry_order():
    assert [u.code for u, _ in owing_units(REGISTRY, JANUARY)] == ["TYT-B", "TYT-A", "BV-A", "BV-B"]
    assert [u.code for u, _ in owing_units(REGISTRY, month_period(2025, 7))] == ["TYT-B", "TYT-C", "BV-A", "BV-B"]
    assert [(r.unit.code, r.due) for r in expected_reports(REGISTRY, [JANUARY])] == [
        (code, date(2025, 2, 7)) for code in ("BV-A", "BV-B", "TYT-A", "TYT-B")  # by code; Tết pushes the deadline
    ]


def test_area_sources_report_on_every_area_active_during_the_period():
    assert areas_reported_on(REGISTRY, ("POPULATION",), quarter_period(2025, 1), "CTK") == ("QN",)
    assert areas_reported_on(REGISTRY, ("OPD_VISITS",), JANUARY, "TYT-B") == ()


def test_a_statistics_office_reports_on_its_own_province_areas_only():
    units = [unit("QN", "province"), unit("QN-X", "commune"), unit("QN-CTK", "statistics_office"),
             unit("HP", "province"), unit("HP-X", "commune"), unit("HP-CTK", "statistics_office")]
    links = tuple(ParentLink(child, parent, date(2020, 1, 1), None) for child, parent in
                  [("QN-X", "QN"), ("QN-CTK", "QN"), ("HP-X", "HP"), ("HP-CTK", "HP")])
    national = Registry({u.code: u for u in units}, REGISTRY.indicators, REGISTRY.obligations, parent_links=links)
    quarter = quarter_period(2025, 1)
    assert areas_reported_on(national, ("POPULATION",), quarter, "QN-CTK") == ("QN", "QN-X")
    assert areas_reported_on(national, ("POPULATION",), quarter, "HP-CTK") == ("HP", "HP-X")
    assert [national.province_of(code) for code in ("HP", "HP-X", "HP-CTK", "QN-X")] == ["HP", "HP", "HP", "QN"]


def test_classification_around_the_deadline():
    report = expected_reports(REGISTRY, [JANUARY])[0]  # due Friday 7 February 2025
    calendar = WorkingCalendar(REGISTRY.holidays)
    states = [
        classify(report, received_on, as_of, calendar)
        for received_on, as_of in [
            (None, date(2025, 2, 7)), (None, date(2025, 2, 10)), (date(2025, 2, 7), date(2025, 3, 1)),
            (date(2025, 2, 11), date(2025, 3, 1)),
        ]
    ]
    assert [(s.status, s.working_days_late) for s in states] == [
        ("not_yet_due", None), ("missing", 1), ("on_time", 0), ("late", 2),
    ]


def test_timeliness_looks_up_the_first_arrival_by_unit_and_period():
    reports = expected_reports(REGISTRY, [JANUARY])
    received = {("TYT-B", "202501"): date(2025, 2, 3)}
    states = report_timeliness(REGISTRY, reports, received, date(2025, 2, 10))
    assert [(s.report.unit.code, s.status) for s in states] == [
        ("BV-A", "missing"), ("BV-B", "missing"), ("TYT-A", "missing"), ("TYT-B", "on_time"),
    ]
