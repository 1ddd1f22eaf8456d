CREATE INDEX `work_orders_status_created_idx` ON `work_orders` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_status_deadline_order_idx` ON `work_orders` (`status`,("deadline_at" is null),`deadline_at`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_lead_unit_deadline_idx` ON `work_orders` (`lead_unit_id`,("deadline_at" is null),`deadline_at`,`id`);