ALTER TABLE `report_rollup_days` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `report_rollup_dirty` ADD `seq` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- The dirty marks get a sequence (src/reports/report-rollups.ts RollupBuilder): the job reads a day
-- outside its write transaction, then deletes the mark only if its `seq` is still the one it read
-- with the rows, so a change committed meanwhile leaves the day dirty. Each trigger of 0030 now
-- raises `seq` of a mark that is already there (it left it as it was) and starts a new mark one
-- above its day's report_rollup_days.seq (the mark the last build cleared), so a mark's `seq`
-- never comes back to a value a build has read. Same days marked as before.
DROP TRIGGER `report_rollup_calls_ai`;--> statement-breakpoint
DROP TRIGGER `report_rollup_calls_au`;--> statement-breakpoint
DROP TRIGGER `report_rollup_call_events_ai`;--> statement-breakpoint
DROP TRIGGER `report_rollup_agent_state_ai`;--> statement-breakpoint
DROP TRIGGER `report_rollup_order_events_ai`;--> statement-breakpoint
DROP TRIGGER `report_rollup_work_orders_au`;--> statement-breakpoint
DROP TRIGGER `report_rollup_users_au`;--> statement-breakpoint
CREATE TRIGGER `report_rollup_calls_ai` AFTER INSERT ON `calls` BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'calls', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` = (NEW.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `report_rollup_calls_au` AFTER UPDATE ON `calls` BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'calls', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` IN ((OLD.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000, (NEW.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000)
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
-- 放弃 at the greeting reads the call's abandoned event.
CREATE TRIGGER `report_rollup_call_events_ai` AFTER INSERT ON `call_events` WHEN NEW.`type` = 'abandoned' BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'calls', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` IN (SELECT (c.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `calls` c WHERE c.`id` = NEW.`call_id`)
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
-- A wrap-up lasts until the agent's next row: a new row ends the wrap-up of the agent's row before it.
CREATE TRIGGER `report_rollup_agent_state_ai` AFTER INSERT ON `agent_state_events` BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'calls', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` IN (SELECT (c.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `calls` c
			WHERE c.`id` = (SELECT CASE WHEN w.`state` = 'wrap_up' THEN w.`call_id` END FROM `agent_state_events` w
				WHERE w.`agent_id` = NEW.`agent_id` AND w.`at` <= NEW.`at` AND w.`id` < NEW.`id` ORDER BY w.`at` DESC, w.`id` DESC LIMIT 1))
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
-- An order event changes its day and any later day of the order; a callback also the days of the missed calls it answers.
CREATE TRIGGER `report_rollup_order_events_ai` AFTER INSERT ON `work_order_events` BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'orders', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'orders' AND `day` IN (SELECT (m.`at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `work_order_events` m
			WHERE m.`order_id` = NEW.`order_id` AND (m.`at` >= NEW.`at` OR (NEW.`action` = 'callback_done' AND m.`action` IN ('abandon', 'create'))))
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
-- The order figures are keyed by the order's current lead unit, category and channel: a change moves all its days' counts.
CREATE TRIGGER `report_rollup_work_orders_au` AFTER UPDATE OF `lead_unit_id`, `category`, `channel` ON `work_orders`
	WHEN OLD.`lead_unit_id` IS NOT NEW.`lead_unit_id` OR OLD.`category` IS NOT NEW.`category` OR OLD.`channel` IS NOT NEW.`channel` BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'orders', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'orders' AND `day` IN (SELECT (m.`at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `work_order_events` m WHERE m.`order_id` = NEW.`id`)
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
-- Returns and sign-fors count for the acting handler's (current) unit.
CREATE TRIGGER `report_rollup_users_au` AFTER UPDATE OF `unit_id` ON `users` WHEN OLD.`unit_id` IS NOT NEW.`unit_id` BEGIN
	INSERT INTO `report_rollup_dirty` (`source`, `day`, `seq`) SELECT 'orders', `day`, `seq` + 1 FROM `report_rollup_days`
		WHERE `source` = 'orders' AND `day` IN (SELECT (m.`at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `work_order_events` m
			WHERE m.`actor_id` = NEW.`id` AND m.`action` IN ('return', 'sign'))
		ON CONFLICT (`source`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
