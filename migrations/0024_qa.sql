CREATE TABLE `qa_samples` (
	`call_id` text PRIMARY KEY NOT NULL,
	`agent_id` integer NOT NULL,
	`day` text NOT NULL,
	`reason` text NOT NULL,
	`sampled_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `qa_samples_day_idx` ON `qa_samples` (`day`,`agent_id`);--> statement-breakpoint
CREATE TABLE `qa_scores` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` text NOT NULL,
	`revision` integer NOT NULL,
	`order_id` integer,
	`recording_id` text,
	`agent_id` integer NOT NULL,
	`scorer_id` integer NOT NULL,
	`points` text NOT NULL,
	`fatal_errors` text NOT NULL,
	`fatal` integer NOT NULL,
	`total` integer NOT NULL,
	`comment` text NOT NULL,
	`form_version` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scorer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qa_scores_call_revision_uq` ON `qa_scores` (`call_id`,`revision`);--> statement-breakpoint
CREATE INDEX `qa_scores_agent_idx` ON `qa_scores` (`agent_id`,`created_at`);