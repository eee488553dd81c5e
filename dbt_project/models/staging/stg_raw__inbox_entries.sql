with

source as (

    select * from {{ source('raw', 'inbox_entries') }}

),

renamed as (

    select
        cast(inbox_path as varchar) as inbox_path,
        cast(raw_path_hex as varchar) as raw_path_hex,
        cast(entry_kind as varchar) as entry_kind,
        cast(status as varchar) as status,
        cast(reason_code as varchar) as reason_code,
        cast(reason_vi as varchar) as reason_vi,
        cast(reason_en as varchar) as reason_en,
        cast(first_seen_at as timestamp) as first_seen_at,
        cast(run_id as varchar) as run_id

    from source

)

select * from renamed
