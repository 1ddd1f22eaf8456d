ALTER TABLE `work_orders` ADD `wait_clock` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `wait_deadline_at` integer;--> statement-breakpoint
CREATE INDEX `work_orders_wait_clock_idx` ON `work_orders` (`wait_clock`,`wait_deadline_at`,`id`) WHERE "work_orders"."wait_clock" is not null;
