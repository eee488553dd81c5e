with

source as (

    select * from {{ source('raw', 'ref_indicators') }}

),

renamed as (

    select
        cast(code as varchar) as indicator_code,
        cast(name_vi as varchar) as name_vi,
        cast(name_en as varchar) as name_en,
        cast(kind as varchar) as kind,
        cast(unit_of_measure_vi as varchar) as unit_of_measure_vi,
        cast(aggregation as varchar) as aggregation,
        cast(numerator_code as varchar) as numerator_code,
        cast(numerator_subtract_code as varchar) as numerator_subtract_code,
        cast(denominator_code as varchar) as denominator_code,
        cast(factor as double) as factor,
        cast(numerator_window as varchar) as numerator_window,
        cast(min_value as double) as min_value,
        cast(max_value as double) as max_value

    from source

)

select * from renamed
