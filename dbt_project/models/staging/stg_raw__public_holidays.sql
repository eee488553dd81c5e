with

source as (

    select * from {{ source('raw', 'ref_public_holidays') }}

),

renamed as (

    select
        cast(day as date) as holiday_date,
        cast(name_vi as varchar) as name_vi,
        cast(kind as varchar) as kind

    from source

)

select * from renamed
