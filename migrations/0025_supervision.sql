CREATE TABLE `supervision_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`lead_id` integer NOT NULL,
	`action` text NOT NULL,
	`call_id` text NOT NULL,
	`agent_id` integer NOT NULL,
	`mode` text NOT NULL,
	`reason` text,
	FOREIGN KEY (`lead_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `supervision_audit_call_idx` ON `supervision_audit` (`call_id`,`id`);--> statement-breakpoint
CREATE INDEX `supervision_audit_at_idx` ON `supervision_audit` (`at`);