-- Orders without any text (the draft of a call in progress, until the agent fills it in) are
-- no longer put in the FTS index: an empty document cost every new draft 2–3 index pages and
-- matches nothing. A row is indexed iff one of its text columns is set; the triggers keep that.
DROP TRIGGER `work_orders_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `work_orders_fts_ad`;
--> statement-breakpoint
DROP TRIGGER `work_orders_fts_au`;
--> statement-breakpoint
INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`)
	SELECT 'delete', `id`, NULL, NULL, NULL, NULL FROM `work_orders`
	WHERE coalesce(`subject`, `content`, `location`, `caller_name`) IS NULL;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_ai` AFTER INSERT ON `work_orders`
	WHEN coalesce(new.`subject`, new.`content`, new.`location`, new.`caller_name`) IS NOT NULL BEGIN
	INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`)
	VALUES (new.`id`, new.`subject`, new.`content`, new.`location`, new.`caller_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_ad` AFTER DELETE ON `work_orders`
	WHEN coalesce(old.`subject`, old.`content`, old.`location`, old.`caller_name`) IS NOT NULL BEGIN
	INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`)
	VALUES ('delete', old.`id`, old.`subject`, old.`content`, old.`location`, old.`caller_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_au` AFTER UPDATE OF `subject`, `content`, `location`, `caller_name` ON `work_orders` BEGIN
	INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`)
	SELECT 'delete', old.`id`, old.`subject`, old.`content`, old.`location`, old.`caller_name`
	WHERE coalesce(old.`subject`, old.`content`, old.`location`, old.`caller_name`) IS NOT NULL;
	INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`)
	SELECT new.`id`, new.`subject`, new.`content`, new.`location`, new.`caller_name`
	WHERE coalesce(new.`subject`, new.`content`, new.`location`, new.`caller_name`) IS NOT NULL;
END;
