with

source as (

    select * from {{ source('raw', 'ref_indicator_targets') }}

),

renamed as (

    select
        cast(indicator_code as varchar) as indicator_code,
        cast(area_code as varchar) as area_code,
        cast(year as integer) as target_year,
        cast(target_value as double) as target_value,
        cast(direction as varchar) as direction,
        cast(note_vi as varchar) as note_vi

    from source

)

select * from renamed
