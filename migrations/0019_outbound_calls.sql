ALTER TABLE `calls` ADD `direction` text DEFAULT 'in' NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `order_id` integer;--> statement-breakpoint
CREATE INDEX `calls_order_idx` ON `calls` (`order_id`);