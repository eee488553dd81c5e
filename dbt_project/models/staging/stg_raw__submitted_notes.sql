-- Read by the data-quality rules (not-applicable rows are not missing values), so built in phase one.
{{ config(tags=['dq_inputs']) }}

with

source as (

    select * from {{ source('raw', 'submitted_notes') }}

),

renamed as (

    select
        cast(submission_id as bigint) as submission_id,
        cast(org_unit_code as varchar) as org_unit_code,
        cast(period_code as varchar) as period_code,
        cast(indicator_code as varchar) as indicator_code,
        cast(sheet_name as varchar) as sheet_name,
        cast(cell_ref as varchar) as cell_ref,
        cast(note_text as varchar) as note_text,
        cast(not_applicable as boolean) as not_applicable

    from source

)

select * from renamed
