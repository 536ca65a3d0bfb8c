-- Every row of the members table (see steps/member_rows.sql) of the factories making $category
-- (null = any), largest capacity first: for exports, which stream it to a file. Pages show
-- it a page at a time (members_page).
-- uses: member_rows
select m.*
from member_rows as m
where $category is null or list_contains(m.categories, $category)
order by m.capacity_pieces desc, m.factory_id
