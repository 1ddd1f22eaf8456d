CREATE TABLE `bridge_nonces` (
	`bridge_id` text NOT NULL,
	`nonce` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`bridge_id`, `nonce`)
);
--> statement-breakpoint
CREATE INDEX `bridge_nonces_expires_idx` ON `bridge_nonces` (`expires_at`);