-- One page of a factory's orders (steps/own_orders.sql): rows $offset + 1 .. $offset + $limit,
-- sorted by $sort, one of 'due_date', 'order_date', 'qty', 'value' or 'order_id' (a value
-- compared here, never an identifier), descending when $descending, ties by order id;
-- total_rows is how many orders match and total_pieces their pieces.
-- uses: own_orders
with
ranked as (
    select
        o.*,
        count(*) over () as total_rows,
        sum(o.qty) over () as total_pieces,
        row_number() over (
            order by
                case
                    when $sort = 'due_date' then date_diff('day', date '2000-01-01', o.due_date)
                    when $sort = 'order_date' then date_diff('day', date '2000-01-01', o.order_date)
                    when $sort = 'qty' then o.qty
                end * case when $descending then -1 else 1 end nulls last,
                case when $sort = 'value' then o.qty * o.unit_price end
                    * case when $descending then -1 else 1 end nulls last,
                case when $sort = 'order_id' and $descending then o.order_id end desc,
                o.order_id
        ) as row_number
    from own_orders as o
)

select r.*
from ranked as r
where r.row_number > $offset and r.row_number <= $offset + $limit
order by r.row_number
