-- The counterpart of migrations/0013 (issue 9): the citizen's lookup code, and a confidential
-- reporter's name out of the search text that searchers who may not see it use.
-- 1. `lookup_code` (src/workorders/lookup-code.ts); existing orders get one here, drawn per row
--    (random() is volatile) from the same 31 characters.
-- 2. work_orders_search_trgm_idx indexes the caller's name only when the order is not
--    confidential (WORK_ORDER_SEARCH_TEXT in src/db/schema-pg.ts); a confidential order's name
--    has a partial index of its own (WORK_ORDER_CONFIDENTIAL_NAME), which only platform staff's
--    searches also match — as SQLite's FTS5 table keeps it in its own column.
ALTER TABLE "work_orders" ADD COLUMN "lookup_code" text;
--> statement-breakpoint
UPDATE "work_orders" SET "lookup_code" =
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int, 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int, 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int, 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int, 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int, 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int, 1);
--> statement-breakpoint
DROP INDEX "work_orders_search_trgm_idx";
--> statement-breakpoint
CREATE INDEX "work_orders_search_trgm_idx" ON "work_orders" USING gin (
	(coalesce("subject", '') || E'\n' || coalesce("content", '') || E'\n' || coalesce("location", '') || E'\n' ||
		(case when "confidential" then '' else coalesce("caller_name", '') end)) gin_trgm_ops
);
--> statement-breakpoint
CREATE INDEX "work_orders_confidential_name_trgm_idx" ON "work_orders" USING gin ((case when "confidential" then "caller_name" end) gin_trgm_ops)
	WHERE "confidential";
