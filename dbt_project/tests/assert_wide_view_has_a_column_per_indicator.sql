-- Every catalogue code needs its column in rpt_indicator_values_wide; a code added to
-- indicators.csv without one would be missing from BI without anyone noticing.
with

indicators as (

    select * from {{ ref('dim_indicators') }}

),

wide_columns as (

    select column_name
    from information_schema.columns
    where table_schema = '{{ ref('rpt_indicator_values_wide').schema }}'
        and table_name = '{{ ref('rpt_indicator_values_wide').identifier }}'

)

select indicators.indicator_code
from indicators
where lower(indicators.indicator_code) not in (select column_name from wide_columns)
