"""(Re)generates the Great Expectations file context under `expectations/gx/` from the suite specs:
the blocking mart suites (`suites.py`) and the data-quality rule suites (`rule_suites.py`).

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
from orchestration.quality.rule_suites import RULE_SUITES
from orchestration.quality.suites import MART_SUITES, SuiteSpec

DATASOURCE_NAME = "warehouse_marts"
RULES_DATASOURCE_NAME = "dq_rules"
BATCH_DEFINITION_NAME = "whole_table"
DOCS_SITE_NAME = "local_site"
UNEXPECTED_EXAMPLE_LIMIT = 5


def write_gx_project(
    project_root_dir: Path = EXPECTATIONS_DIR,
    suites: Mapping[str, SuiteSpec] = MART_SUITES,
    rule_suites: Mapping[str, SuiteSpec] = RULE_SUITES,
) -> FileDataContext:
    """One pandas data asset, suite and validation definition per mart and per rule family, all named
    after it; marts and rule frames are two data sources so their assets never collide. There are no
    checkpoints: `gx_runner.ValidationSession` runs the validation definitions and renders Data Docs
    once per step, where a checkpoint's docs action would re-render the site after every suite."""
    context = gx.get_context(mode="file", project_root_dir=project_root_dir)
    _keep_quiet(context)
    sources = (
        (_datasource(context, DATASOURCE_NAME), suites),
        (_datasource(context, RULES_DATASOURCE_NAME), rule_suites),
    )
    for datasource, specs in sources:
        for name, suite in specs.items():
            batch_definition = _batch_definition(datasource, name)
            expectation_suite = _expectation_suite(context, suite)
            _validation_definition(context, name, batch_definition, expectation_suite)
    _remove_stale(context, set(suites) | set(rule_suites))
    for datasource, specs in sources:
        _remove_stale_assets(datasource, set(specs))
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


def _datasource(context: FileDataContext, name: str) -> PandasDatasource:
    if name in context.data_sources.all():
        return context.data_sources.get(name)
    return context.data_sources.add_pandas(name=name)


def _batch_definition(datasource: PandasDatasource, name: str) -> BatchDefinition:
    if name in datasource.get_asset_names():
        asset = datasource.get_asset(name)
    else:
        asset = datasource.add_dataframe_asset(name=name)
    if BATCH_DEFINITION_NAME in {definition.name for definition in asset.batch_definitions}:
        return asset.get_batch_definition(BATCH_DEFINITION_NAME)
    return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)


def _comparable(expectation: gx.expectations.Expectation) -> dict:
    configuration = expectation.configuration.to_json_dict()
    configuration.pop("id", None)
    return configuration


def _expectation_suite(context: FileDataContext, suite: SuiteSpec) -> gx.ExpectationSuite:
    wanted = gx.ExpectationSuite(
        name=suite.name,
        expectations=[
            ExpectationConfiguration(
                type=spec.type,
                kwargs=spec.kwargs,
                description=spec.description,
                meta=spec.meta or None,
                severity=spec.severity,
            ).to_domain_obj()
            for spec in suite.expectations
        ],
    )
    if suite.name in _names(context.suites.all()):
        existing = context.suites.get(suite.name)
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


def _remove_stale(context: FileDataContext, names: set[str]) -> None:
    """A suite dropped from the spec must not linger in the context; checkpoints are not used at all."""
    for name in _names(context.checkpoints.all()):
        context.checkpoints.delete(name)
    for name in _names(context.validation_definitions.all()) - names:
        context.validation_definitions.delete(name)
    for name in _names(context.suites.all()) - names:
        context.suites.delete(name)


def _remove_stale_assets(datasource: PandasDatasource, names: set[str]) -> None:
    for name in set(datasource.get_asset_names()) - names:
        datasource.delete_asset(name)


def _names(items) -> set[str]:
    return {item if isinstance(item, str) else item.name for item in items}


if __name__ == "__main__":
    write_gx_project()
    print(f"Great Expectations context written to {EXPECTATIONS_DIR / 'gx'}")
