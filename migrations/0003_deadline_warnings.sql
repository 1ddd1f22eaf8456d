CREATE TABLE `deadline_warnings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`kind` text NOT NULL,
	`deadline_at` integer NOT NULL,
	`lead_unit_id` text,
	`warned_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deadline_warnings_uq` ON `deadline_warnings` (`order_id`,`kind`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `deadline_warnings_warned_idx` ON `deadline_warnings` (`warned_at`);