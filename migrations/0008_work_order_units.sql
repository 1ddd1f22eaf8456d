CREATE TABLE `work_order_units` (
	`unit_id` text NOT NULL,
	`order_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`unit_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `work_order_units_order_idx` ON `work_order_units` (`order_id`);--> statement-breakpoint
-- work_order_units mirrors work_orders.lead_unit_id / co_unit_ids (src/workorders/scope.ts
-- lists a unit's orders through its primary key). Triggers keep it, so every writer (the
-- service, bulk loads, tests) updates it in the same statement and transaction. The lead row
-- goes in first: a unit listed as both (the lifecycle refuses that) stays 'lead'.
INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`)
	SELECT `lead_unit_id`, `id`, 'lead' FROM `work_orders` WHERE `lead_unit_id` IS NOT NULL;
--> statement-breakpoint
INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`)
	SELECT j.`value`, w.`id`, 'co' FROM `work_orders` w, json_each(w.`co_unit_ids`) j WHERE j.`value` IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `work_order_units_ai` AFTER INSERT ON `work_orders` BEGIN
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`)
	SELECT new.`lead_unit_id`, new.`id`, 'lead' WHERE new.`lead_unit_id` IS NOT NULL;
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`)
	SELECT j.`value`, new.`id`, 'co' FROM json_each(new.`co_unit_ids`) j WHERE j.`value` IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `work_order_units_au` AFTER UPDATE OF `lead_unit_id`, `co_unit_ids` ON `work_orders`
	WHEN old.`lead_unit_id` IS NOT new.`lead_unit_id` OR old.`co_unit_ids` IS NOT new.`co_unit_ids` BEGIN
	DELETE FROM `work_order_units` WHERE `order_id` = old.`id`;
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`)
	SELECT new.`lead_unit_id`, new.`id`, 'lead' WHERE new.`lead_unit_id` IS NOT NULL;
	INSERT OR IGNORE INTO `work_order_units` (`unit_id`, `order_id`, `role`)
	SELECT j.`value`, new.`id`, 'co' FROM json_each(new.`co_unit_ids`) j WHERE j.`value` IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `work_order_units_ad` AFTER DELETE ON `work_orders` BEGIN
	DELETE FROM `work_order_units` WHERE `order_id` = old.`id`;
END;
