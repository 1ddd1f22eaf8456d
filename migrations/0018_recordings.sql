CREATE TABLE `recording_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`recording_id` text NOT NULL,
	`range` text,
	`details` text NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recording_audit_recording_idx` ON `recording_audit` (`recording_id`,`id`);--> statement-breakpoint
CREATE INDEX `recording_audit_at_idx` ON `recording_audit` (`at`);--> statement-breakpoint
CREATE TABLE `recordings` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`order_id` integer,
	`agent_id` integer,
	`hotline` text NOT NULL,
	`state` text NOT NULL,
	`channel_id` text NOT NULL,
	`spool_file` text NOT NULL,
	`channels` integer NOT NULL,
	`started_at` integer NOT NULL,
	`stored_at` integer,
	`duration_ms` integer,
	`size_bytes` integer,
	`sha256` text,
	`storage_key` text,
	`purged_at` integer,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recordings_call_idx` ON `recordings` (`call_id`);--> statement-breakpoint
CREATE INDEX `recordings_order_idx` ON `recordings` (`order_id`);--> statement-breakpoint
CREATE INDEX `recordings_started_idx` ON `recordings` (`started_at`);--> statement-breakpoint
CREATE INDEX `recordings_pending_idx` ON `recordings` (`state`) WHERE "recordings"."state" = 'recording';