ALTER TABLE "calls" ADD COLUMN "direction" text DEFAULT 'in' NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "order_id" integer;--> statement-breakpoint
CREATE INDEX "calls_order_idx" ON "calls" USING btree ("order_id");