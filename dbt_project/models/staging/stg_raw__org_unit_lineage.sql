with

source as (

    select * from {{ source('raw', 'ref_org_unit_lineage') }}

),

renamed as (

    select
        cast(predecessor_code as varchar) as predecessor_code,
        cast(successor_code as varchar) as successor_code,
        cast(effective_date as date) as effective_date,
        cast(change_kind as varchar) as change_kind

    from source

)

select * from renamed
