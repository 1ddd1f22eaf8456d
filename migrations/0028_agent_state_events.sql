CREATE TABLE `agent_state_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_id` integer NOT NULL,
	`state` text NOT NULL,
	`call_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_state_events_agent_at_idx` ON `agent_state_events` (`agent_id`,`at`);--> statement-breakpoint
CREATE INDEX `agent_state_events_call_idx` ON `agent_state_events` (`call_id`);