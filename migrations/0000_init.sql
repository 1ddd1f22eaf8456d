CREATE TABLE `call_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`agent_id` integer,
	`data` text,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `call_events_call_idx` ON `call_events` (`call_id`,`at`);--> statement-breakpoint
CREATE INDEX `call_events_type_at_idx` ON `call_events` (`type`,`at`);--> statement-breakpoint
CREATE TABLE `callers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`phone` text NOT NULL,
	`name` text,
	`note` text,
	`first_seen_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_seen_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `callers_phone_uq` ON `callers` (`phone`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`channel_id` text,
	`caller_id` integer,
	`caller_phone` text NOT NULL,
	`dialled_number` text NOT NULL,
	`hotline` text NOT NULL,
	`state` text NOT NULL,
	`agent_id` integer,
	`entered_at` integer NOT NULL,
	`queued_at` integer,
	`answered_at` integer,
	`ended_at` integer,
	`outcome` text,
	FOREIGN KEY (`caller_id`) REFERENCES `callers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calls_channel_uq` ON `calls` (`channel_id`);--> statement-breakpoint
CREATE INDEX `calls_entered_idx` ON `calls` (`entered_at`);--> statement-breakpoint
CREATE INDEX `calls_caller_idx` ON `calls` (`caller_id`,`entered_at`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` text,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `work_order_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`actor_role` text,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`comment` text,
	`data` text,
	FOREIGN KEY (`order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `work_order_events_order_idx` ON `work_order_events` (`order_id`,`at`);--> statement-breakpoint
CREATE TABLE `work_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`channel` text NOT NULL,
	`call_id` text,
	`caller_id` integer,
	`caller_phone` text,
	`caller_name` text,
	`confidential` integer DEFAULT false NOT NULL,
	`category` text,
	`subject` text,
	`content` text,
	`location` text,
	`status` text NOT NULL,
	`agent_id` integer,
	`callback_due` integer DEFAULT false NOT NULL,
	`deadline_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`caller_id`) REFERENCES `callers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `work_orders_number_uq` ON `work_orders` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `work_orders_call_uq` ON `work_orders` (`call_id`);--> statement-breakpoint
CREATE INDEX `work_orders_caller_idx` ON `work_orders` (`caller_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `work_orders_status_idx` ON `work_orders` (`status`,`deadline_at`);