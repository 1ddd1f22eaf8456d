CREATE INDEX `work_orders_created_idx` ON `work_orders` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_category_created_idx` ON `work_orders` (`category`,`created_at`);--> statement-breakpoint
CREATE INDEX `work_orders_channel_created_idx` ON `work_orders` (`channel`,`created_at`);