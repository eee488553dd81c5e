"""`make run` tells the truth: publication decides the exit code, later failures are warned about."""

from __future__ import annotations

from orchestration.run_pipeline import run_outcome


def test_published_but_feedback_failed_exits_zero_and_names_the_step():
    code, lines, warnings = run_outcome("abc123", True, ["unit_feedback"], [])
    assert code == 0
    assert lines == ["Run abc123 published."]
    assert warnings[0] == (
        "Đã công bố, nhưng bước sau công bố thất bại / published, but these steps failed: unit_feedback"
    )
    assert "did not publish" not in " ".join(warnings)


def test_not_published_exits_one_with_the_failed_steps_and_checks():
    code, lines, warnings = run_outcome("abc123", False, ["reference_tables"], ["fct:rule"])
    assert (code, lines) == (1, [])
    assert warnings[0] == "Run abc123 did not publish. Failed steps: reference_tables. Failed checks: ['fct:rule']"


def test_clean_run_exits_zero_without_warnings():
    assert run_outcome("abc123", True, [], []) == (0, ["Run abc123 succeeded."], [])
