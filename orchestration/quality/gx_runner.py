"""Validates one mart's rows against its committed GX suite and reports in plain Python values.

GX 1.x cannot read DuckDB through SQLAlchemy, so callers hand over a pandas DataFrame they read
themselves. The result is reduced to frozen dataclasses with JSON-safe values so that Dagster
metadata, logs and tests never depend on GX's own result classes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.data_context import FileDataContext

from orchestration.lib.settings import EXPECTATIONS_DIR
from orchestration.quality.gx_project import DOCS_SITE_NAME, UNEXPECTED_EXAMPLE_LIMIT


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation_type: str
    kwargs: Mapping[str, Any]
    description: str | None
    success: bool
    unexpected_count: int | None
    unexpected_examples: tuple[Any, ...]
    error: str | None  # set when GX could not evaluate the rule at all, e.g. a missing column

    @property
    def label(self) -> str:
        columns = self.kwargs.get("column") or ",".join(self.kwargs.get("column_list", ())) or "table"
        return f"{self.expectation_type}({columns})"


@dataclass(frozen=True)
class MartValidation:
    mart_name: str
    success: bool
    row_count: int
    expectations: tuple[ExpectationOutcome, ...]
    data_docs_url: str | None

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.expectations if not outcome.success)


@functools.cache
def load_context(project_root_dir: Path = EXPECTATIONS_DIR) -> FileDataContext:
    """Once per process: a Dagster run validates every mart in one step and should pay for this once."""
    context_dir = project_root_dir / "gx"
    if not (context_dir / "great_expectations.yml").is_file():
        raise FileNotFoundError(
            f"Không tìm thấy cấu hình Great Expectations tại {context_dir} / No GX context at {context_dir}: "
            "run `python -m orchestration.quality.gx_project`."
        )
    return gx.get_context(mode="file", project_root_dir=project_root_dir)


def validate_mart(
    mart_name: str, frame: pd.DataFrame, project_root_dir: Path = EXPECTATIONS_DIR
) -> MartValidation:
    """Runs the mart's checkpoint, which also refreshes Data Docs with this validation."""
    context = load_context(project_root_dir)
    checkpoint = context.checkpoints.get(mart_name)
    checkpoint_result = checkpoint.run(batch_parameters={"dataframe": frame})
    ((identifier, suite_result),) = checkpoint_result.run_results.items()
    urls = context.get_docs_sites_urls(resource_identifier=identifier, site_name=DOCS_SITE_NAME)
    docs_url = urls[0]["site_url"] if urls else None
    return summarise_validation(mart_name, len(frame), suite_result, docs_url)


def summarise_validation(
    mart_name: str, row_count: int, suite_result: ExpectationSuiteValidationResult, data_docs_url: str | None
) -> MartValidation:
    return MartValidation(
        mart_name=mart_name,
        success=bool(suite_result.success),
        row_count=row_count,
        expectations=tuple(summarise_expectation(result) for result in suite_result.results),
        data_docs_url=data_docs_url,
    )


def summarise_expectation(result: ExpectationValidationResult) -> ExpectationOutcome:
    configuration = result.expectation_config
    details = result.result or {}
    # batch_id is GX bookkeeping added at run time, not part of the rule.
    kwargs = {key: plain(value) for key, value in configuration.kwargs.items() if key != "batch_id"}
    return ExpectationOutcome(
        expectation_type=configuration.type,
        kwargs=kwargs,
        description=configuration.description,
        success=bool(result.success),
        unexpected_count=details.get("unexpected_count"),
        unexpected_examples=_examples(details),
        error=_error_message(result.exception_info or {}),
    )


def _examples(details: Mapping[str, Any]) -> tuple[Any, ...]:
    """Distinct offending values; a table-shape rule has none, so its missing columns stand in."""
    if "partial_unexpected_list" in details:
        candidates = details["partial_unexpected_list"]
    else:
        candidates = details.get("details", {}).get("mismatched", {}).get("missing", [])
    distinct: list[Any] = []
    for value in map(plain, candidates):
        if value not in distinct:
            distinct.append(value)
    return tuple(distinct[:UNEXPECTED_EXAMPLE_LIMIT])


def _error_message(exception_info: Mapping[str, Any]) -> str | None:
    """GX reports either one exception or one per metric it failed to compute."""
    if exception_info.get("raised_exception"):
        return exception_info.get("exception_message")
    for nested in exception_info.values():
        if isinstance(nested, Mapping) and nested.get("raised_exception"):
            return nested.get("exception_message")
    return None


def plain(value: Any) -> Any:
    """JSON-safe copy: NaN/NA become None, numpy scalars Python numbers, dates ISO strings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return plain(value.item())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
