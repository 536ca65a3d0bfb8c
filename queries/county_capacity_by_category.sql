-- Mean weekly capacity and booked pieces per county and category over the weeks
-- [$week_from, $week_to), for county comparison and location quotients, from the capacity
-- cells. A county-category is suppressed when any cell behind it is (planner views hide
-- cells of < 3 factories); its sums then leave those cells out and must not be read as complete.
-- uses: cells_in_window
with
county_weeks as (
    select c.adcode, c.category, c.week_start, sum(c.capacity_pieces) as capacity_pieces,
           sum(c.booked_pieces) as booked_pieces, sum(c.n_factories) as n_factories,
           bool_or(c.suppressed) as suppressed
    from cells_in_window as c
    group by c.adcode, c.category, c.week_start
)

select
    w.adcode,
    w.category,
    sum(w.capacity_pieces) / date_diff('week', $week_from::date, $week_to::date) as capacity_pieces,
    sum(w.booked_pieces) / date_diff('week', $week_from::date, $week_to::date) as booked_pieces,
    max(w.n_factories) as n_factories,
    bool_or(w.suppressed) as suppressed
from county_weeks as w
group by w.adcode, w.category
order by w.adcode, w.category
