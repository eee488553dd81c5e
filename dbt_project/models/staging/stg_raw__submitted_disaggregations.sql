with

source as (

    select * from {{ source('raw', 'submitted_disaggregations') }}

),

renamed as (

    select
        cast(submission_id as bigint) as submission_id,
        cast(org_unit_code as varchar) as org_unit_code,
        cast(period_code as varchar) as period_code,
        cast(indicator_code as varchar) as indicator_code,
        cast(dimension_code as varchar) as dimension_code,
        cast(option_code as varchar) as option_code,
        cast(value as double) as value,
        cast(value_text as varchar) as value_text,
        cast(sheet_name as varchar) as sheet_name,
        cast(cell_ref as varchar) as cell_ref,
        cast(total_cell_ref as varchar) as total_cell_ref

    from source

)

select * from renamed
