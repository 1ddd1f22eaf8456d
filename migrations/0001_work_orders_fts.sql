-- Full-text search over work orders (subject, content, location, caller name).
-- The trigram tokenizer matches Chinese text without a word segmenter (any 3+ character run).
-- External-content table kept in step by triggers; SQLite-only (the PostgreSQL port uses pg_trgm).
CREATE VIRTUAL TABLE `work_orders_fts` USING fts5(
	`subject`, `content`, `location`, `caller_name`,
	content='work_orders', content_rowid='id', tokenize='trigram'
);
--> statement-breakpoint
INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`)
	SELECT `id`, `subject`, `content`, `location`, `caller_name` FROM `work_orders`;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_ai` AFTER INSERT ON `work_orders` BEGIN
	INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`)
	VALUES (new.`id`, new.`subject`, new.`content`, new.`location`, new.`caller_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_ad` AFTER DELETE ON `work_orders` BEGIN
	INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`)
	VALUES ('delete', old.`id`, old.`subject`, old.`content`, old.`location`, old.`caller_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_au` AFTER UPDATE OF `subject`, `content`, `location`, `caller_name` ON `work_orders` BEGIN
	INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`)
	VALUES ('delete', old.`id`, old.`subject`, old.`content`, old.`location`, old.`caller_name`);
	INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`)
	VALUES (new.`id`, new.`subject`, new.`content`, new.`location`, new.`caller_name`);
END;
