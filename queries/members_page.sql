-- One page of the members table (steps/member_rows.sql): rows $offset + 1 .. $offset + $limit
-- of the factories making $category (null = any) that match $search (a case-insensitive
-- substring of id, name or town; '' = all),
-- sorted by $sort, one of 'capacity', 'idle', 'utilisation', 'employees' (numbers) or 'name'
-- (a value compared here, never an identifier), descending when $descending, ties by id;
-- total_rows is how many rows match, so the page can show "1-200 of 600,000".
-- uses: member_rows
with
matching as (
    select m.*
    from member_rows as m
    where ($category is null or list_contains(m.categories, $category))
      and ($search = '' or contains(lower(concat_ws(' ', m.factory_id, m.name, m.town)), lower($search)))
),

ranked as (
    select
        m.*,
        count(*) over () as total_rows,
        row_number() over (
            order by
                case
                    when $sort = 'capacity' then m.capacity_pieces::double
                    when $sort = 'idle' then m.idle_pieces::double
                    when $sort = 'utilisation' then m.utilisation
                    when $sort = 'employees' then m.employees::double
                end * case when $descending then -1 else 1 end nulls last,
                case when $sort = 'name' and not $descending then m.name end,
                case when $sort = 'name' and $descending then m.name end desc,
                m.factory_id
        ) as row_number
    from matching as m
)

select r.*
from ranked as r
where r.row_number > $offset and r.row_number <= $offset + $limit
order by r.row_number
