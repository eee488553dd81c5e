with

entries as (

    select * from {{ ref('stg_raw__inbox_entries') }}

),

final as (

    select
        inbox_path,
        raw_path_hex,
        entry_kind,
        status,
        reason_code,
        reason_vi,
        reason_en,
        first_seen_at
    from entries

)

select * from final
