"""(Re)generates the Great Expectations file context under `expectations/gx/` from `suites.py`.

Run `python -m orchestration.quality.gx_project` after changing a suite and commit the result.
The function converges rather than recreates: objects that already match the spec are left alone,
so GX's random ids stay put and a second run leaves `git diff` empty. At run time the pipeline only
loads this context; it never writes to the committed part of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import great_expectations as gx
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context import FileDataContext
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.datasource.fluent import PandasDatasource
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from orchestration.lib.settings import EXPECTATIONS_DIR
from orchestration.quality.suites import MART_SUITES, MartSuite

DATASOURCE_NAME = "warehouse_marts"
BATCH_DEFINITION_NAME = "whole_table"
DOCS_SITE_NAME = "local_site"
UNEXPECTED_EXAMPLE_LIMIT = 5
# SUMMARY keeps a few offending values; COMPLETE would store every bad row in each validation result.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": UNEXPECTED_EXAMPLE_LIMIT}


def write_gx_project(
    project_root_dir: Path = EXPECTATIONS_DIR, suites: Mapping[str, MartSuite] = MART_SUITES
) -> FileDataContext:
    """One pandas data asset, suite, validation definition and checkpoint per mart, all named after it."""
    context = gx.get_context(mode="file", project_root_dir=project_root_dir)
    _keep_quiet(context)
    datasource = _datasource(context)
    for mart_name, suite in suites.items():
        batch_definition = _batch_definition(datasource, mart_name)
        expectation_suite = _expectation_suite(context, suite)
        validation = _validation_definition(context, mart_name, batch_definition, expectation_suite)
        _checkpoint(context, mart_name, validation)
    _remove_stale(context, datasource, set(suites))
    return context


def _keep_quiet(context: FileDataContext) -> None:
    """No usage statistics leave a health department's server, and no progress bars clutter logs."""
    quiet = ProgressBarsConfig(globally=False)
    variables = context.variables
    # A context read back from YAML holds a plain dict here, a freshly configured one the object.
    current = variables.progress_bars
    current_settings = current.to_dict() if isinstance(current, ProgressBarsConfig) else current
    if variables.analytics_enabled is not False or current_settings != quiet.to_dict():
        variables.analytics_enabled = False
        variables.progress_bars = quiet
        variables.save()


def _datasource(context: FileDataContext) -> PandasDatasource:
    if DATASOURCE_NAME in context.data_sources.all():
        return context.data_sources.get(DATASOURCE_NAME)
    return context.data_sources.add_pandas(name=DATASOURCE_NAME)


def _batch_definition(datasource: PandasDatasource, mart_name: str) -> BatchDefinition:
    if mart_name in datasource.get_asset_names():
        asset = datasource.get_asset(mart_name)
    else:
        asset = datasource.add_dataframe_asset(name=mart_name)
    if BATCH_DEFINITION_NAME in {definition.name for definition in asset.batch_definitions}:
        return asset.get_batch_definition(BATCH_DEFINITION_NAME)
    return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)


def _comparable(expectation: gx.expectations.Expectation) -> dict:
    configuration = expectation.configuration.to_json_dict()
    configuration.pop("id", None)
    return configuration


def _expectation_suite(context: FileDataContext, suite: MartSuite) -> gx.ExpectationSuite:
    wanted = gx.ExpectationSuite(
        name=suite.mart_name,
        expectations=[
            ExpectationConfiguration(type=spec.type, kwargs=spec.kwargs, description=spec.description).to_domain_obj()
            for spec in suite.expectations
        ],
    )
    if suite.mart_name in _names(context.suites.all()):
        existing = context.suites.get(suite.mart_name)
        if [_comparable(e) for e in existing.expectations] == [_comparable(e) for e in wanted.expectations]:
            return existing
    return context.suites.add_or_update(wanted)


def _validation_definition(
    context: FileDataContext, name: str, batch_definition: BatchDefinition, suite: gx.ExpectationSuite
) -> gx.ValidationDefinition:
    if name in _names(context.validation_definitions.all()):
        existing = context.validation_definitions.get(name)
        if existing.suite.id == suite.id and existing.batch_definition.id == batch_definition.id:
            return existing
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )


def _checkpoint(context: FileDataContext, name: str, validation: gx.ValidationDefinition) -> gx.Checkpoint:
    wanted = gx.Checkpoint(
        name=name,
        validation_definitions=[validation],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE_NAME])],
        result_format=RESULT_FORMAT,
    )
    if name in _names(context.checkpoints.all()):
        existing = context.checkpoints.get(name)
        if (
            [v.id for v in existing.validation_definitions] == [validation.id]
            and existing.actions == wanted.actions
            and existing.result_format == wanted.result_format
        ):
            return existing
    return context.checkpoints.add_or_update(wanted)


def _remove_stale(context: FileDataContext, datasource: PandasDatasource, mart_names: set[str]) -> None:
    """A mart dropped from the spec must not keep being validated from a leftover checkpoint."""
    for name in _names(context.checkpoints.all()) - mart_names:
        context.checkpoints.delete(name)
    for name in _names(context.validation_definitions.all()) - mart_names:
        context.validation_definitions.delete(name)
    for name in _names(context.suites.all()) - mart_names:
        context.suites.delete(name)
    for name in set(datasource.get_asset_names()) - mart_names:
        datasource.delete_asset(name)


def _names(items) -> set[str]:
    return {item if isinstance(item, str) else item.name for item in items}


if __name__ == "__main__":
    write_gx_project()
    print(f"Great Expectations context written to {EXPECTATIONS_DIR / 'gx'}")
