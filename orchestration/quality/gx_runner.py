"""Validates frames against their committed GX suites and reports in plain Python values.

GX 1.x cannot read DuckDB through SQLAlchemy, so callers hand over a pandas DataFrame they read
themselves. The result is reduced to frozen dataclasses with JSON-safe values so that Dagster
metadata, logs and tests never depend on GX's own result classes. The same runner serves the
blocking mart suites and the data-quality rule suites; the rule suites ask GX for every failing
row's index (result format COMPLETE), which is how a failed expectation becomes one finding per row.

A `ValidationSession` stores each result as it validates and renders Data Docs once at the end:
rebuilding the site's index after every suite, as a checkpoint's docs action does, costs most of a
second per suite and would be most of the quality step's time. A session may first ask GX only
whether each expectation holds (BOOLEAN_ONLY, about half of GX's time per suite at the demo's size,
which is nearly all bookkeeping) and validate a suite again for its counts and examples only when
it failed: a passing suite has none to show.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import FileDataContext
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

from orchestration.lib.settings import EXPECTATIONS_DIR
from orchestration.quality.data_docs_offline import DOCS_SITE_DIR, make_offline, served_url
from orchestration.quality.gx_project import DOCS_SITE_NAME, UNEXPECTED_EXAMPLE_LIMIT
from orchestration.quality.gx_retention import prune_run_history
from orchestration.quality.suites import expectation_label

# SUMMARY keeps a few offending values; COMPLETE also lists every failing row's index.
VERDICT_ONLY = {"result_format": "BOOLEAN_ONLY"}
SUMMARY = {"result_format": "SUMMARY", "partial_unexpected_count": UNEXPECTED_EXAMPLE_LIMIT}
COMPLETE = {"result_format": "COMPLETE", "partial_unexpected_count": UNEXPECTED_EXAMPLE_LIMIT}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation_type: str
    kwargs: Mapping[str, Any]
    description: str | None
    success: bool
    unexpected_count: int | None
    unexpected_examples: tuple[Any, ...]
    error: str | None  # set when GX could not evaluate the rule at all, e.g. a missing column
    rule_code: str | None = None  # data-quality rules name themselves in the expectation's meta
    # Index labels of every failing row; only suites validated with result_format COMPLETE have them.
    unexpected_index: tuple[Any, ...] = field(default=())

    @property
    def label(self) -> str:
        return expectation_label(self.expectation_type, dict(self.kwargs), self.rule_code)


@dataclass(frozen=True)
class SuiteValidation:
    suite_name: str
    success: bool
    row_count: int
    expectations: tuple[ExpectationOutcome, ...]
    data_docs_url: str | None

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.expectations if not outcome.success)


@functools.cache
def load_context(project_root_dir: Path = EXPECTATIONS_DIR) -> FileDataContext:
    """Once per process: a Dagster run validates every suite in a step or two and should pay for this once."""
    context_dir = project_root_dir / "gx"
    if not (context_dir / "great_expectations.yml").is_file():
        raise FileNotFoundError(
            f"Không tìm thấy cấu hình Great Expectations tại {context_dir} / No GX context at {context_dir}: "
            "run `python -m orchestration.quality.gx_project`."
        )
    return gx.get_context(mode="file", project_root_dir=project_root_dir)


class ValidationSession:
    """Validations of one pipeline step, sharing a GX run id; `with_data_docs` renders them all."""

    def __init__(self, project_root_dir: Path = EXPECTATIONS_DIR, result_format: Mapping[str, Any] = SUMMARY,
                 verdict_first: bool = False) -> None:
        """`verdict_first`: validate with VERDICT_ONLY, and again with `result_format` only on failure."""
        self._context = load_context(project_root_dir)
        self._result_format = dict(result_format)
        self._verdict_first = verdict_first
        self._run_id = RunIdentifier(run_time=datetime.now(UTC))
        self._stored: list[ValidationResultIdentifier] = []
        self._warnings_only: set[str] = set()  # suites whose every failure is a warning

    def validate(
        self, suite_name: str, frame: pd.DataFrame, parameters: Mapping[str, Any] | None = None
    ) -> SuiteValidation:
        """`parameters` fill the suite's `$PARAMETER` placeholders (e.g. the dimensions' keys).
        The result is stored in the context's validation store, where Data Docs read it."""
        definition = self._context.validation_definitions.get(suite_name)
        formats = [VERDICT_ONLY, self._result_format] if self._verdict_first else [self._result_format]
        for result_format in formats:
            # Stored under the same identifier: the detailed run replaces the verdict-only one.
            suite_result = definition.run(
                batch_parameters={"dataframe": frame},
                expectation_parameters=dict(parameters or {}),
                result_format=result_format,
                run_id=self._run_id,
            )
            if suite_result.success:
                break
        self._stored.append(
            ValidationResultIdentifier(ExpectationSuiteIdentifier(suite_name), self._run_id, suite_result.batch_id)
        )
        failed = [result for result in suite_result.results if not result.success]
        if failed and all(str(result.expectation_config.severity.value) == "warning" for result in failed):
            self._warnings_only.add(suite_name)
        return summarise_validation(suite_name, len(frame), suite_result, None)

    def with_data_docs(self, validations: list[SuiteValidation]) -> list[SuiteValidation]:
        """Renders this session's results and the site index once, made to work offline; each
        validation gets its page's address where `make docs` serves the site (a `file://` path
        would name a file on whichever machine ran, not one the reader's browser can open).
        Runs beyond the retained history are removed first, so the index lists only what is kept."""
        prune_run_history(Path(self._context.root_directory), DOCS_SITE_NAME)
        self._context.build_data_docs(site_names=[DOCS_SITE_NAME], resource_identifiers=self._stored)
        site_dir = Path(self._context.root_directory) / DOCS_SITE_DIR
        pages: dict[str, Path] = {}
        for identifier in self._stored:
            sites = self._context.get_docs_sites_urls(resource_identifier=identifier, site_name=DOCS_SITE_NAME)
            if sites and sites[0]["site_url"]:
                pages[identifier.expectation_suite_identifier.name] = Path(url2pathname(urlparse(sites[0]["site_url"]).path))
        make_offline(site_dir, pages.values(), [page for name, page in pages.items() if name in self._warnings_only])
        urls = {name: served_url(page.relative_to(site_dir)) for name, page in pages.items()}
        return [replace(validation, data_docs_url=urls.get(validation.suite_name)) for validation in validations]


def summarise_validation(
    suite_name: str, row_count: int, suite_result: ExpectationSuiteValidationResult, data_docs_url: str | None
) -> SuiteValidation:
    return SuiteValidation(
        suite_name=suite_name,
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
        rule_code=(configuration.meta or {}).get("rule_code"),
        unexpected_index=tuple(plain(details.get("unexpected_index_list") or [])),
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
