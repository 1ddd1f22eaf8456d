-- work_order_units mirrors work_orders.lead_unit_id / co_unit_ids and copies the order's list
-- keys (status, created_at, deadline_at): the PostgreSQL counterpart of the triggers of
-- migrations/0008 and 0011. One row-level trigger function keeps it in the same statement, and
-- so the same transaction, as every write of those columns. The lead row goes in first: a unit
-- listed as both (the lifecycle refuses that) stays 'lead'.
CREATE FUNCTION "work_order_units_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM "work_order_units" WHERE "order_id" = OLD."id";
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		IF OLD."lead_unit_id" IS NOT DISTINCT FROM NEW."lead_unit_id" AND OLD."co_unit_ids" IS NOT DISTINCT FROM NEW."co_unit_ids" THEN
			IF OLD."status" IS DISTINCT FROM NEW."status" OR OLD."created_at" IS DISTINCT FROM NEW."created_at" OR OLD."deadline_at" IS DISTINCT FROM NEW."deadline_at" THEN
				UPDATE "work_order_units" SET "status" = NEW."status", "created_at" = NEW."created_at", "deadline_at" = NEW."deadline_at"
					WHERE "order_id" = NEW."id";
			END IF;
			RETURN NULL;
		END IF;
		DELETE FROM "work_order_units" WHERE "order_id" = OLD."id";
	END IF;
	INSERT INTO "work_order_units" ("unit_id", "order_id", "role", "status", "created_at", "deadline_at")
		SELECT NEW."lead_unit_id", NEW."id", 'lead', NEW."status", NEW."created_at", NEW."deadline_at" WHERE NEW."lead_unit_id" IS NOT NULL
		ON CONFLICT DO NOTHING;
	INSERT INTO "work_order_units" ("unit_id", "order_id", "role", "status", "created_at", "deadline_at")
		SELECT j."value", NEW."id", 'co', NEW."status", NEW."created_at", NEW."deadline_at" FROM jsonb_array_elements_text(NEW."co_unit_ids") AS j("value")
		WHERE j."value" IS NOT NULL
		ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "work_order_units_ai" AFTER INSERT ON "work_orders" FOR EACH ROW EXECUTE FUNCTION "work_order_units_sync"();
--> statement-breakpoint
CREATE TRIGGER "work_order_units_au" AFTER UPDATE OF "lead_unit_id", "co_unit_ids", "status", "created_at", "deadline_at" ON "work_orders"
	FOR EACH ROW EXECUTE FUNCTION "work_order_units_sync"();
--> statement-breakpoint
CREATE TRIGGER "work_order_units_ad" AFTER DELETE ON "work_orders" FOR EACH ROW EXECUTE FUNCTION "work_order_units_sync"();
