ALTER TABLE "work_orders" ADD COLUMN "wait_clock" text;--> statement-breakpoint
ALTER TABLE "work_orders" ADD COLUMN "wait_deadline_at" bigint;--> statement-breakpoint
CREATE INDEX "work_orders_wait_clock_idx" ON "work_orders" USING btree ("wait_clock","wait_deadline_at","id") WHERE "work_orders"."wait_clock" is not null;