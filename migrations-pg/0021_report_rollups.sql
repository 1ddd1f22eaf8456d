CREATE TABLE "report_call_days" (
	"day" bigint NOT NULL,
	"hotline" text NOT NULL,
	"agent_id" integer,
	"dialled_number" text NOT NULL,
	"calls_in" integer NOT NULL,
	"requested" integer NOT NULL,
	"answered" integer NOT NULL,
	"answered_within_15s" integer NOT NULL,
	"abandoned_in_queue" integer NOT NULL,
	"abandoned_at_front_door" integer NOT NULL,
	"wait_sum_ms" bigint NOT NULL,
	"talked" integer NOT NULL,
	"talk_sum_ms" bigint NOT NULL,
	"wrap_up_sum_ms" bigint NOT NULL,
	"repeat_calls" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_co_days" (
	"day" bigint NOT NULL,
	"unit_id" text NOT NULL,
	"received" integer NOT NULL,
	"replied" integer NOT NULL,
	"missed" integer NOT NULL,
	CONSTRAINT "report_co_days_day_unit_id_pk" PRIMARY KEY("day","unit_id")
);
--> statement-breakpoint
CREATE TABLE "report_order_days" (
	"day" bigint NOT NULL,
	"unit_id" text,
	"category" text,
	"channel" text NOT NULL,
	"accepted" integer NOT NULL,
	"answered_on_spot" integer NOT NULL,
	"dispatched" integer NOT NULL,
	"returned" integer NOT NULL,
	"signed" integer NOT NULL,
	"signed_late" integer NOT NULL,
	"replied" integer NOT NULL,
	"replied_late" integer NOT NULL,
	"extended" integer NOT NULL,
	"supervised" integer NOT NULL,
	"closed" integer NOT NULL,
	"closed_with_callback" integer NOT NULL,
	"survey_evaluated" integer NOT NULL,
	"survey_satisfied" integer NOT NULL,
	"callback_evaluated" integer NOT NULL,
	"callback_satisfied" integer NOT NULL,
	"third_party_evaluated" integer NOT NULL,
	"third_party_satisfied" integer NOT NULL,
	"second_evaluated" integer NOT NULL,
	"second_satisfied" integer NOT NULL,
	"missed" integer NOT NULL,
	"called_back" integer NOT NULL,
	"callback_wait_sum_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_order_repeats" (
	"day" bigint NOT NULL,
	"field" text NOT NULL,
	"order_id" integer NOT NULL,
	"prev_day" bigint NOT NULL,
	CONSTRAINT "report_order_repeats_day_field_order_id_pk" PRIMARY KEY("day","field","order_id")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_days" (
	"source" text NOT NULL,
	"day" bigint NOT NULL,
	"built_at" bigint NOT NULL,
	CONSTRAINT "report_rollup_days_source_day_pk" PRIMARY KEY("source","day")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_dirty" (
	"source" text NOT NULL,
	"day" bigint NOT NULL,
	CONSTRAINT "report_rollup_dirty_source_day_pk" PRIMARY KEY("source","day")
);
--> statement-breakpoint
CREATE INDEX "report_call_days_day_idx" ON "report_call_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "report_order_days_day_idx" ON "report_order_days" USING btree ("day");--> statement-breakpoint
-- The rollups' dirty marks (src/reports/report-rollups.ts): the PostgreSQL counterparts of the
-- triggers of migrations/0030 (same names, same days marked). A built day whose source rows change
-- is marked in report_rollup_dirty in the same statement; days not built yet are not marked.
CREATE FUNCTION "report_rollup_mark"(src text, days bigint[]) RETURNS void LANGUAGE sql AS $$
	INSERT INTO "report_rollup_dirty" ("source", "day") SELECT src, d."day" FROM "report_rollup_days" d
		WHERE d."source" = src AND d."day" = ANY(days) ON CONFLICT DO NOTHING;
$$;
--> statement-breakpoint
CREATE FUNCTION "report_rollup_day"(at bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT (at + 28800000) / 86400000 * 86400000 - 28800000 $$;
--> statement-breakpoint
CREATE FUNCTION "report_rollup_calls_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		PERFORM "report_rollup_mark"('calls', ARRAY["report_rollup_day"(OLD."entered_at"), "report_rollup_day"(NEW."entered_at")]);
	ELSE
		PERFORM "report_rollup_mark"('calls', ARRAY["report_rollup_day"(NEW."entered_at")]);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_rollup_calls_ai" AFTER INSERT ON "calls" FOR EACH ROW EXECUTE FUNCTION "report_rollup_calls_mark"();
--> statement-breakpoint
CREATE TRIGGER "report_rollup_calls_au" AFTER UPDATE ON "calls" FOR EACH ROW EXECUTE FUNCTION "report_rollup_calls_mark"();
--> statement-breakpoint
CREATE FUNCTION "report_rollup_call_events_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_rollup_mark"('calls', ARRAY(SELECT "report_rollup_day"(c."entered_at") FROM "calls" c WHERE c."id" = NEW."call_id"));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_rollup_call_events_ai" AFTER INSERT ON "call_events" FOR EACH ROW WHEN (NEW."type" = 'abandoned') EXECUTE FUNCTION "report_rollup_call_events_mark"();
--> statement-breakpoint
CREATE FUNCTION "report_rollup_agent_state_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_rollup_mark"('calls', ARRAY(SELECT "report_rollup_day"(c."entered_at") FROM "calls" c
		WHERE c."id" = (SELECT CASE WHEN w."state" = 'wrap_up' THEN w."call_id" END FROM "agent_state_events" w
			WHERE w."agent_id" = NEW."agent_id" AND w."at" <= NEW."at" AND w."id" < NEW."id" ORDER BY w."at" DESC, w."id" DESC LIMIT 1)));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_rollup_agent_state_ai" AFTER INSERT ON "agent_state_events" FOR EACH ROW EXECUTE FUNCTION "report_rollup_agent_state_mark"();
--> statement-breakpoint
CREATE FUNCTION "report_rollup_order_events_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_rollup_mark"('orders', ARRAY(SELECT "report_rollup_day"(m."at") FROM "work_order_events" m
		WHERE m."order_id" = NEW."order_id" AND (m."at" >= NEW."at" OR (NEW."action" = 'callback_done' AND m."action" IN ('abandon', 'create')))));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_rollup_order_events_ai" AFTER INSERT ON "work_order_events" FOR EACH ROW EXECUTE FUNCTION "report_rollup_order_events_mark"();
--> statement-breakpoint
CREATE FUNCTION "report_rollup_work_orders_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_rollup_mark"('orders', ARRAY(SELECT "report_rollup_day"(m."at") FROM "work_order_events" m WHERE m."order_id" = NEW."id"));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_rollup_work_orders_au" AFTER UPDATE OF "lead_unit_id", "category", "channel" ON "work_orders" FOR EACH ROW
	WHEN (OLD."lead_unit_id" IS DISTINCT FROM NEW."lead_unit_id" OR OLD."category" IS DISTINCT FROM NEW."category" OR OLD."channel" IS DISTINCT FROM NEW."channel")
	EXECUTE FUNCTION "report_rollup_work_orders_mark"();
--> statement-breakpoint
CREATE FUNCTION "report_rollup_users_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "report_rollup_mark"('orders', ARRAY(SELECT "report_rollup_day"(m."at") FROM "work_order_events" m WHERE m."actor_id" = NEW."id" AND m."action" IN ('return', 'sign')));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_rollup_users_au" AFTER UPDATE OF "unit_id" ON "users" FOR EACH ROW WHEN (OLD."unit_id" IS DISTINCT FROM NEW."unit_id")
	EXECUTE FUNCTION "report_rollup_users_mark"();
