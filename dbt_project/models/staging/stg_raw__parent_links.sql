with

source as (

    select * from {{ source('raw', 'ref_parent_links') }}

),

renamed as (

    select
        cast(org_unit_code as varchar) as org_unit_code,
        cast(parent_code as varchar) as parent_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to

    from source

)

select * from renamed
