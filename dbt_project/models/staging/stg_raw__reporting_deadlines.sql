with

source as (

    select * from {{ source('raw', 'ref_reporting_deadlines') }}

),

renamed as (

    select
        cast(regime_code as varchar) as regime_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(unit_type as varchar) as unit_type,
        cast(working_days_after_period as integer) as working_days_after_period

    from source

)

select * from renamed
