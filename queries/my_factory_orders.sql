-- One factory's orders (steps/own_orders.sql), newest due date first: every matching row, for
-- exports, which stream it to a file. The page shows them a page at a time (my_factory_orders_page).
-- uses: own_orders
select o.*
from own_orders as o
order by o.due_date desc, o.order_id
