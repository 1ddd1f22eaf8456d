ALTER TABLE `work_orders` ADD `lead_unit_id` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `co_unit_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `co_replied_unit_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `sign_deadline_at` integer;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `pending_extension` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `satisfaction` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `supervision_level` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `handling_round` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `merged_into_id` integer;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `linked_order_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `work_orders_lead_unit_idx` ON `work_orders` (`lead_unit_id`,`status`);