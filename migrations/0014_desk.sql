CREATE TABLE `desk_saved_filters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`filter` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `desk_saved_filters_user_name_uq` ON `desk_saved_filters` (`user_id`,`name`);--> statement-breakpoint
CREATE INDEX `work_order_events_action_at_idx` ON `work_order_events` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `work_orders_caller_phone_idx` ON `work_orders` (`caller_phone`,`created_at`);--> statement-breakpoint
CREATE INDEX `work_orders_location_idx` ON `work_orders` (`location`,`created_at`);--> statement-breakpoint
CREATE INDEX `work_orders_pending_extension_idx` ON `work_orders` (`created_at`,`id`) WHERE "work_orders"."pending_extension" <> 'null';--> statement-breakpoint
CREATE INDEX `work_orders_unsatisfied_idx` ON `work_orders` (`created_at`,`id`) WHERE "work_orders"."status" = 'evaluated' and "work_orders"."satisfaction" = 'unsatisfied';