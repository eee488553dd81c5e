with

lineage as (

    select * from {{ ref('stg_raw__org_unit_lineage') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

final as (

    select
        cast(lineage.predecessor_code as varchar) as predecessor_code,
        cast(predecessors.name_vi as varchar) as predecessor_name_vi,
        cast(lineage.successor_code as varchar) as successor_code,
        cast(successors.name_vi as varchar) as successor_name_vi,
        cast(lineage.effective_date as date) as effective_date,
        cast(lineage.change_kind as varchar) as change_kind,
        cast(
            case lineage.change_kind
                when 'merge' then 'Sáp nhập'
                when 'split' then 'Chia tách'
                when 'rename' then 'Đổi tên'
                else 'Đổi đơn vị cấp trên'
            end as varchar
        ) as change_kind_vi
    from lineage
    left join org_units as predecessors
        on lineage.predecessor_code = predecessors.org_unit_code
    left join org_units as successors
        on lineage.successor_code = successors.org_unit_code

)

select * from final
