with

source as (

    select * from {{ source('raw', 'ref_national_benchmarks') }}

),

renamed as (

    select
        cast(indicator_code as varchar) as indicator_code,
        cast(year as integer) as benchmark_year,
        cast(benchmark_value as double) as benchmark_value,
        cast(direction as varchar) as direction,
        cast(source_vi as varchar) as source_vi

    from source

)

select * from renamed
