-- Full-text search over work orders (subject, content, location, caller name): the PostgreSQL
-- counterpart of the FTS5 trigram table of migrations/0001 and 0007 (decision 0011). pg_trgm
-- (Debian: postgresql-contrib; a trusted extension, so the database owner may create it) indexes
-- every 3-character run, as FTS5's trigram tokenizer does; a query is
-- `<WORK_ORDER_SEARCH_TEXT of src/db/schema-pg.ts> ILIKE '%term%'`, the very expression indexed below.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- pg_trgm only makes trigrams of characters the database's LC_CTYPE calls alphanumeric: under the
-- C locale no Chinese character is, and every search would silently read the whole table.
DO $$
BEGIN
	IF coalesce(array_length(show_trgm('工单'), 1), 0) = 0 THEN
		RAISE EXCEPTION 'pg_trgm makes no trigrams of Chinese text in this database (LC_CTYPE %): create it with a UTF-8 locale, e.g. CREATE DATABASE sunline TEMPLATE template0 ENCODING ''UTF8'' LOCALE ''C.UTF-8''', current_setting('lc_ctype');
	END IF;
END
$$;
--> statement-breakpoint
CREATE INDEX "work_orders_search_trgm_idx" ON "work_orders" USING gin (
	(coalesce("subject", '') || E'\n' || coalesce("content", '') || E'\n' || coalesce("location", '') || E'\n' || coalesce("caller_name", '')) gin_trgm_ops
);
