"""The dbt project as Dagster assets, built in two phases around the data-quality rules.

Phase one (`dbt_rule_inputs`) builds the models tagged `dq_inputs` and everything they read: the
values each unit's winning file gives and the reports received. The Great Expectations rules
(`orchestration/quality/rule_assets.py`) judge those and write their findings to `raw`; phase two
(`warehouse_models`) builds everything else — current values without the values errors hold
back, the marts, the scorecard — reading the findings as a dbt source. Dagster orders the three
steps from the dependencies alone: phase two's source `raw.dq_rule_findings` is the rules' asset.
Each phase is one `dbt build`, so models, tests and contracts still run in a single pass per phase.

Importing this module reads dbt's manifest and nothing else: the manifest is written beforehand
by `python -m orchestration.transform.prepare` (`make setup`, which `make dev` runs first, and
the tests' session fixture), and the build database reaches dbt as a `--vars` value
(`transform/dbt_command.py`), so no environment variable is set for dbt, at import or at run time.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.lib.dbt_target_retention import mark_invocation_finished
from orchestration.lib.resources import BuildDatabaseResource
from orchestration.lib.settings import RebuildPolicy
from orchestration.transform.dbt_command import build_db_vars, warehouse_dbt_project, warehouse_dbt_resource
from orchestration.transform.incremental import plan_build, record_build, reference_unchanged
from orchestration.transform.test_scope import exclude_args, reference_only_tests_of

RULE_INPUTS_SELECTION = "+tag:dq_inputs"
UNIT_TESTS_SKIPPED = ["--exclude-resource-type", "unit_test"]
# dbt would serialise its manifest and run results into every invocation's folder: 1.7 s (cProfile
# of phase one) for files nothing reads (Dagster streams dbt's events and holds the manifest already).
NO_JSON_ARTEFACTS = ["--no-write-json"]
DBT_LAYERS = ("staging", "intermediate", "marts")  # the model folders, in the order data flows


class LayeredDbtTranslator(DagsterDbtTranslator):
    """dbt models grouped by layer in the asset graph instead of all in `default`."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # Overridden because the default group is the model's dbt `group` config, which this
        # project does not use; the folder (fqn: project, folder, ..., model) is the layer.
        # Asset keys are not touched: other stages address marts as ["marts", name].
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 2 and fqn[1] in DBT_LAYERS:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


TRANSLATOR = LayeredDbtTranslator()


@dbt_assets(
    manifest=warehouse_dbt_project.manifest_path,
    project=warehouse_dbt_project,
    select=RULE_INPUTS_SELECTION,
    name="dbt_rule_inputs",
    dagster_dbt_translator=TRANSLATOR,
)
def dbt_rule_inputs(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, build_db: BuildDatabaseResource,
    rebuild_policy: dg.ResourceParam[RebuildPolicy],
):
    # Cautious: a test comparing a phase-one model with a phase-two one (a relationships test) waits
    # for phase two, where both exist; dbt's eager default would run it against a missing table.
    with build_db.connect() as connection:
        skipped = skipped_tests(connection, rebuild_policy.full_rebuild(context.run.tags))
    args = ["build", "--indirect-selection", "cautious", *NO_JSON_ARTEFACTS, *skipped, *build_db_vars(build_db.path)]
    yield from _streamed(dbt.cli(args, context=context))


@dbt_assets(
    manifest=warehouse_dbt_project.manifest_path,
    project=warehouse_dbt_project,
    exclude=RULE_INPUTS_SELECTION,
    name="warehouse_models",
    dagster_dbt_translator=TRANSLATOR,
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, build_db: BuildDatabaseResource,
    rebuild_policy: dg.ResourceParam[RebuildPolicy],
):
    """Only the periods this run's changes touch, unless something calls for a full rebuild
    (transform/incremental.py); what it was built from is recorded once dbt succeeded."""
    with build_db.connect() as connection:
        requested = rebuild_policy.full_rebuild(context.run.tags)
        skipped = skipped_tests(connection, requested)  # before plan_build, which does not change the answer
        scope = plan_build(connection, requested)
    context.log.info(f"{'Full rebuild' if scope.full_refresh else 'Incremental build'}: {scope.reason}"
                     + (f" ({', '.join(scope.periods)})" if scope.periods else ""))
    refresh = ["--full-refresh"] if scope.full_refresh else []
    args = ["build", *refresh, *NO_JSON_ARTEFACTS, *skipped, *build_db_vars(build_db.path)]
    yield from _streamed(dbt.cli(args, context=context))
    with build_db.connect() as connection:
        record_build(connection, context.run.run_id)


def skipped_tests(connection, requested_full: bool) -> list[str]:
    """What dbt can leave out without losing a verdict when nothing calls for a full rebuild (same
    reference files, dbt project and organisation tree as the last build): the unit tests, which
    check the SQL that build already passed (about 40% of dbt's test time), and the data tests of
    models built from reference data alone (transform/test_scope.py), which would judge the very
    rows they judged then. A full rebuild runs every test."""
    if not reference_unchanged(connection, requested_full):
        return []
    return [*UNIT_TESTS_SKIPPED, *exclude_args(reference_only_tests_of(warehouse_dbt_project.manifest_path))]


def _streamed(invocation):
    """dbt's events as Dagster's, then the invocation's folder marked done for the pruning."""
    yield from invocation.stream()
    mark_invocation_finished(invocation.target_path)


defs = dg.Definitions(
    assets=[dbt_rule_inputs, warehouse_models],
    # The launcher, not dbt itself: it makes dbt die with the run (see transform/dbt_command.py).
    resources={"dbt": warehouse_dbt_resource()},
)
