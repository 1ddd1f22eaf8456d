ALTER TABLE `work_order_units` ADD `status` text;--> statement-breakpoint
ALTER TABLE `work_order_units` ADD `created_at` integer;--> statement-breakpoint
ALTER TABLE `work_order_units` ADD `deadline_at` integer;--> statement-breakpoint
-- The order's list keys (status, created_at, deadline_at) copied into each of its unit rows, so
-- that a unit's list walks work_order_units in page order (src/workorders/unit-pages.ts)
-- instead of checking the list index of all orders against the unit's share. Backfilled
-- before the indexes are built; the triggers of 0008 are replaced by ones that copy the keys,
-- and a third one follows every change of them.
UPDATE `work_order_units` SET `status` = w.`status`, `created_at` = w.`created_at`, `deadline_at` = w.`deadline_at`
	FROM `work_orders` w WHERE w.`id` = `work_order_units`.`order_id`;
--> statement-breakpoint
DROP TRIGGER `work_order_units_ai`;--> statement-breakpoint
DROP TRIGGER `work_order_units_au`;--> statement-breakpoint
CREATE TRIGGER `work_order_units_ai` AFTER INSERT ON `work_orders` BEGIN
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`, `status`, `created_at`, `deadline_at`)
	SELECT new.`lead_unit_id`, new.`id`, 'lead', new.`status`, new.`created_at`, new.`deadline_at` WHERE new.`lead_unit_id` IS NOT NULL;
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`, `status`, `created_at`, `deadline_at`)
	SELECT j.`value`, new.`id`, 'co', new.`status`, new.`created_at`, new.`deadline_at` FROM json_each(new.`co_unit_ids`) j WHERE j.`value` IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `work_order_units_au` AFTER UPDATE OF `lead_unit_id`, `co_unit_ids` ON `work_orders`
	WHEN old.`lead_unit_id` IS NOT new.`lead_unit_id` OR old.`co_unit_ids` IS NOT new.`co_unit_ids` BEGIN
	DELETE FROM `work_order_units` WHERE `order_id` = old.`id`;
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`, `status`, `created_at`, `deadline_at`)
	SELECT new.`lead_unit_id`, new.`id`, 'lead', new.`status`, new.`created_at`, new.`deadline_at` WHERE new.`lead_unit_id` IS NOT NULL;
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`, `status`, `created_at`, `deadline_at`)
	SELECT j.`value`, new.`id`, 'co', new.`status`, new.`created_at`, new.`deadline_at` FROM json_each(new.`co_unit_ids`) j WHERE j.`value` IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `work_order_units_keys_au` AFTER UPDATE OF `status`, `created_at`, `deadline_at` ON `work_orders`
	WHEN old.`status` IS NOT new.`status` OR old.`created_at` IS NOT new.`created_at` OR old.`deadline_at` IS NOT new.`deadline_at` BEGIN
	UPDATE `work_order_units` SET `status` = new.`status`, `created_at` = new.`created_at`, `deadline_at` = new.`deadline_at` WHERE `order_id` = new.`id`;
END;
--> statement-breakpoint
CREATE INDEX `work_order_units_status_created_idx` ON `work_order_units` (`unit_id`,`status`,`created_at`,`order_id`);--> statement-breakpoint
CREATE INDEX `work_order_units_status_deadline_idx` ON `work_order_units` (`unit_id`,`status`,("deadline_at" is null),`deadline_at`,`order_id`);
