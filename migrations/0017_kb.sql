CREATE TABLE `kb_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`article_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`hotline` text NOT NULL,
	`actor_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`article_id`) REFERENCES `kb_articles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `kb_article_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_answers_order_article_uq` ON `kb_answers` (`order_id`,`article_id`);--> statement-breakpoint
CREATE INDEX `kb_answers_article_idx` ON `kb_answers` (`article_id`,`hotline`);--> statement-breakpoint
CREATE INDEX `kb_answers_at_idx` ON `kb_answers` (`at`);--> statement-breakpoint
CREATE TABLE `kb_article_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`article_id` integer NOT NULL,
	`version_no` integer NOT NULL,
	`state` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`type` text NOT NULL,
	`hotlines` text NOT NULL,
	`categories` text NOT NULL,
	`areas` text NOT NULL,
	`keywords` text NOT NULL,
	`effective_from` text,
	`expires_on` text,
	`review_by` text,
	`author_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`reviewer_id` integer,
	`reviewed_at` integer,
	`review_note` text,
	`published_at` integer,
	FOREIGN KEY (`article_id`) REFERENCES `kb_articles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_article_versions_no_uq` ON `kb_article_versions` (`article_id`,`version_no`);--> statement-breakpoint
CREATE INDEX `kb_article_versions_state_idx` ON `kb_article_versions` (`state`,`id`);--> statement-breakpoint
CREATE TABLE `kb_articles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` text NOT NULL,
	`published_version_id` integer,
	`draft_version_id` integer,
	`withdrawn` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kb_articles_unit_idx` ON `kb_articles` (`unit_id`,`id`);--> statement-breakpoint
CREATE TABLE `kb_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`article_id` integer NOT NULL,
	`version_id` integer,
	`actor_id` integer,
	`action` text NOT NULL,
	`note` text,
	FOREIGN KEY (`article_id`) REFERENCES `kb_articles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `kb_article_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kb_audit_article_idx` ON `kb_audit` (`article_id`,`id`);--> statement-breakpoint
CREATE TABLE `kb_missed_searches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`query` text NOT NULL,
	`hotline` text,
	`actor_id` integer,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kb_missed_searches_at_idx` ON `kb_missed_searches` (`at`);