with

source as (

    select * from {{ source('raw', 'ref_period_labels') }}

),

renamed as (

    select
        cast(period_type as varchar) as period_type,
        cast(number_in_year as integer) as number_in_year,
        cast(label_vi_template as varchar) as label_vi_template,
        cast(label_en_template as varchar) as label_en_template

    from source

)

select * from renamed
