-- Issue 9: what a searcher may not see, search does not match; citizens look up with a code.
--
-- 1. The reporter's name of a confidential order (保密) moves to an FTS column of its own,
--    `confidential_caller_name`; `caller_name` holds only the names of orders that are not
--    confidential. Searchers who may not see a confidential reporter (unit handlers, county
--    dispatchers) match the other columns only (src/workorders/order-pages.ts), so guessing a
--    name no longer confirms the order. The FTS table reads its content from a view that
--    splits the name by `confidential`; the triggers write the same split, and also follow a
--    change of `confidential`. Orders without any text stay out of the index (0007).
-- 2. `lookup_code`: the citizen's lookup code 查询码 (src/workorders/lookup-code.ts), asked with
--    the phone by the public lookup. Existing orders get one here (6 characters of the same
--    alphabet: no 0/O, 1/I/L); a citizen who was never told theirs asks the hotline for it.
ALTER TABLE `work_orders` ADD `lookup_code` text;
--> statement-breakpoint
UPDATE `work_orders` SET `lookup_code` =
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + abs(random() % 31), 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + abs(random() % 31), 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + abs(random() % 31), 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + abs(random() % 31), 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + abs(random() % 31), 1) ||
	substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + abs(random() % 31), 1);
--> statement-breakpoint
DROP TRIGGER `work_orders_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `work_orders_fts_ad`;
--> statement-breakpoint
DROP TRIGGER `work_orders_fts_au`;
--> statement-breakpoint
DROP TABLE `work_orders_fts`;
--> statement-breakpoint
CREATE VIEW `work_orders_fts_source` AS SELECT `id`, `subject`, `content`, `location`,
	CASE WHEN `confidential` THEN NULL ELSE `caller_name` END AS `caller_name`,
	CASE WHEN `confidential` THEN `caller_name` END AS `confidential_caller_name`
	FROM `work_orders`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `work_orders_fts` USING fts5(
	`subject`, `content`, `location`, `caller_name`, `confidential_caller_name`,
	content='work_orders_fts_source', content_rowid='id', tokenize='trigram'
);
--> statement-breakpoint
INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`, `confidential_caller_name`)
	SELECT `id`, `subject`, `content`, `location`, `caller_name`, `confidential_caller_name` FROM `work_orders_fts_source`
	WHERE coalesce(`subject`, `content`, `location`, `caller_name`, `confidential_caller_name`) IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_ai` AFTER INSERT ON `work_orders`
	WHEN coalesce(new.`subject`, new.`content`, new.`location`, new.`caller_name`) IS NOT NULL BEGIN
	INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`, `confidential_caller_name`)
	VALUES (new.`id`, new.`subject`, new.`content`, new.`location`,
		CASE WHEN new.`confidential` THEN NULL ELSE new.`caller_name` END, CASE WHEN new.`confidential` THEN new.`caller_name` END);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_ad` AFTER DELETE ON `work_orders`
	WHEN coalesce(old.`subject`, old.`content`, old.`location`, old.`caller_name`) IS NOT NULL BEGIN
	INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`, `confidential_caller_name`)
	VALUES ('delete', old.`id`, old.`subject`, old.`content`, old.`location`,
		CASE WHEN old.`confidential` THEN NULL ELSE old.`caller_name` END, CASE WHEN old.`confidential` THEN old.`caller_name` END);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_au` AFTER UPDATE OF `subject`, `content`, `location`, `caller_name`, `confidential` ON `work_orders` BEGIN
	INSERT INTO `work_orders_fts`(`work_orders_fts`, `rowid`, `subject`, `content`, `location`, `caller_name`, `confidential_caller_name`)
	SELECT 'delete', old.`id`, old.`subject`, old.`content`, old.`location`,
		CASE WHEN old.`confidential` THEN NULL ELSE old.`caller_name` END, CASE WHEN old.`confidential` THEN old.`caller_name` END
	WHERE coalesce(old.`subject`, old.`content`, old.`location`, old.`caller_name`) IS NOT NULL;
	INSERT INTO `work_orders_fts`(`rowid`, `subject`, `content`, `location`, `caller_name`, `confidential_caller_name`)
	SELECT new.`id`, new.`subject`, new.`content`, new.`location`,
		CASE WHEN new.`confidential` THEN NULL ELSE new.`caller_name` END, CASE WHEN new.`confidential` THEN new.`caller_name` END
	WHERE coalesce(new.`subject`, new.`content`, new.`location`, new.`caller_name`) IS NOT NULL;
END;
