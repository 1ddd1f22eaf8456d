DROP INDEX `work_orders_status_idx`;--> statement-breakpoint
DROP INDEX `work_orders_call_uq`;--> statement-breakpoint
DROP INDEX `work_orders_caller_idx`;--> statement-breakpoint
DROP INDEX `work_orders_lead_unit_idx`;--> statement-breakpoint
DROP INDEX `work_orders_category_created_idx`;--> statement-breakpoint
DROP INDEX `work_orders_lead_unit_deadline_idx`;--> statement-breakpoint
DROP INDEX `work_orders_caller_phone_idx`;--> statement-breakpoint
DROP INDEX `work_orders_location_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `work_orders_call_uq` ON `work_orders` (`call_id`) WHERE "work_orders"."call_id" is not null;--> statement-breakpoint
CREATE INDEX `work_orders_caller_idx` ON `work_orders` (`caller_id`,`created_at`) WHERE "work_orders"."caller_id" is not null;--> statement-breakpoint
CREATE INDEX `work_orders_lead_unit_idx` ON `work_orders` (`lead_unit_id`,`status`) WHERE "work_orders"."lead_unit_id" is not null;--> statement-breakpoint
CREATE INDEX `work_orders_category_created_idx` ON `work_orders` (`category`,`created_at`) WHERE "work_orders"."category" is not null;--> statement-breakpoint
CREATE INDEX `work_orders_lead_unit_deadline_idx` ON `work_orders` (`lead_unit_id`,("deadline_at" is null),`deadline_at`,`id`) WHERE "work_orders"."lead_unit_id" is not null;--> statement-breakpoint
CREATE INDEX `work_orders_caller_phone_idx` ON `work_orders` (`caller_phone`,`created_at`) WHERE "work_orders"."caller_phone" is not null;--> statement-breakpoint
CREATE INDEX `work_orders_location_idx` ON `work_orders` (`location`,`created_at`) WHERE "work_orders"."location" is not null;