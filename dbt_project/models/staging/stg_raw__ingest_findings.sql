-- Read by the data-quality rules between the two dbt phases (orchestration/quality/rule_store.py).
{{ config(tags=['dq_inputs']) }}

with

source as (

    select * from {{ source('raw', 'ingest_findings') }}

),

renamed as (

    select
        cast(submission_id as bigint) as submission_id,
        cast(org_unit_code as varchar) as org_unit_code,
        cast(period_code as varchar) as period_code,
        cast(indicator_code as varchar) as indicator_code,
        cast(rule_code as varchar) as rule_code,
        cast(severity as varchar) as severity,
        cast(message_vi as varchar) as message_vi,
        cast(message_en as varchar) as message_en,
        cast(file_name as varchar) as file_name,
        cast(sheet_name as varchar) as sheet_name,
        cast(cell_ref as varchar) as cell_ref,
        cast(value_text as varchar) as value_text

    from source

)

select * from renamed
