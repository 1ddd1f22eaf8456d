ALTER TABLE "report_rollup_days" ADD COLUMN "seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_dirty" ADD COLUMN "seq" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- The dirty marks get a sequence (src/reports/report-rollups.ts RollupBuilder; the SQLite
-- counterpart: migrations/0034): a mark already there has its `seq` raised, a new one starts one
-- above its day's report_rollup_days.seq. Every trigger of 0021 marks through this function.
CREATE OR REPLACE FUNCTION "report_rollup_mark"(src text, days bigint[]) RETURNS void LANGUAGE sql AS $$
	INSERT INTO "report_rollup_dirty" ("source", "day", "seq") SELECT src, d."day", d."seq" + 1 FROM "report_rollup_days" d
		WHERE d."source" = src AND d."day" = ANY(days)
		ON CONFLICT ("source", "day") DO UPDATE SET "seq" = "report_rollup_dirty"."seq" + 1;
$$;
