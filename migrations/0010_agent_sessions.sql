CREATE TABLE `agent_sessions` (
	`agent_id` integer PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`state` text NOT NULL,
	`since` integer NOT NULL,
	`pause_reason` text,
	`call_id` text,
	`penalty` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
