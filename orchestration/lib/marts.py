"""The public marts: what BI users may rely on, what the quality suites cover, what is published."""

import dagster as dg

MARTS_SCHEMA = "marts"
MART_NAMES = (
    "fct_indicator_values",
    "fct_submissions",
    "fct_dq_findings",
    "dim_org_units",
    "dim_indicators",
    "dim_periods",
    "fct_dq_scorecard",
    "fct_dq_province_summary",
)


def mart_asset_key(mart_name: str) -> dg.AssetKey:
    """dagster-dbt keys a model by its schema and name, because dbt_project.yml sets custom schemas."""
    return dg.AssetKey([MARTS_SCHEMA, mart_name])
