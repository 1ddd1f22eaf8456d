CREATE TABLE `report_call_days` (
	`day` integer NOT NULL,
	`hotline` text NOT NULL,
	`agent_id` integer,
	`dialled_number` text NOT NULL,
	`calls_in` integer NOT NULL,
	`requested` integer NOT NULL,
	`answered` integer NOT NULL,
	`answered_within_15s` integer NOT NULL,
	`abandoned_in_queue` integer NOT NULL,
	`abandoned_at_front_door` integer NOT NULL,
	`wait_sum_ms` integer NOT NULL,
	`talked` integer NOT NULL,
	`talk_sum_ms` integer NOT NULL,
	`wrap_up_sum_ms` integer NOT NULL,
	`repeat_calls` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_call_days_day_idx` ON `report_call_days` (`day`);--> statement-breakpoint
CREATE TABLE `report_co_days` (
	`day` integer NOT NULL,
	`unit_id` text NOT NULL,
	`received` integer NOT NULL,
	`replied` integer NOT NULL,
	`missed` integer NOT NULL,
	PRIMARY KEY(`day`, `unit_id`)
);
--> statement-breakpoint
CREATE TABLE `report_order_days` (
	`day` integer NOT NULL,
	`unit_id` text,
	`category` text,
	`channel` text NOT NULL,
	`accepted` integer NOT NULL,
	`answered_on_spot` integer NOT NULL,
	`dispatched` integer NOT NULL,
	`returned` integer NOT NULL,
	`signed` integer NOT NULL,
	`signed_late` integer NOT NULL,
	`replied` integer NOT NULL,
	`replied_late` integer NOT NULL,
	`extended` integer NOT NULL,
	`supervised` integer NOT NULL,
	`closed` integer NOT NULL,
	`closed_with_callback` integer NOT NULL,
	`survey_evaluated` integer NOT NULL,
	`survey_satisfied` integer NOT NULL,
	`callback_evaluated` integer NOT NULL,
	`callback_satisfied` integer NOT NULL,
	`third_party_evaluated` integer NOT NULL,
	`third_party_satisfied` integer NOT NULL,
	`second_evaluated` integer NOT NULL,
	`second_satisfied` integer NOT NULL,
	`missed` integer NOT NULL,
	`called_back` integer NOT NULL,
	`callback_wait_sum_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_order_days_day_idx` ON `report_order_days` (`day`);--> statement-breakpoint
CREATE TABLE `report_order_repeats` (
	`day` integer NOT NULL,
	`field` text NOT NULL,
	`order_id` integer NOT NULL,
	`prev_day` integer NOT NULL,
	PRIMARY KEY(`day`, `field`, `order_id`)
);
--> statement-breakpoint
CREATE TABLE `report_rollup_days` (
	`source` text NOT NULL,
	`day` integer NOT NULL,
	`built_at` integer NOT NULL,
	PRIMARY KEY(`source`, `day`)
);
--> statement-breakpoint
CREATE TABLE `report_rollup_dirty` (
	`source` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`source`, `day`)
);
--> statement-breakpoint
-- The rollups' dirty marks (src/reports/report-rollups.ts): a built day whose source rows change is
-- marked in report_rollup_dirty in the same statement, so in the same transaction as the change,
-- and read raw until the job rebuilds it. Days not built yet are not marked. Day of an instant:
-- its Shanghai midnight, (ms + 8 h) / 1 day * 1 day - 8 h. The PostgreSQL counterparts: migrations-pg/0021.
CREATE TRIGGER `report_rollup_calls_ai` AFTER INSERT ON `calls` BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'calls', `day` FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` = (NEW.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000;
END;
--> statement-breakpoint
CREATE TRIGGER `report_rollup_calls_au` AFTER UPDATE ON `calls` BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'calls', `day` FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` IN ((OLD.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000, (NEW.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000);
END;
--> statement-breakpoint
-- 放弃 at the greeting reads the call's abandoned event.
CREATE TRIGGER `report_rollup_call_events_ai` AFTER INSERT ON `call_events` WHEN NEW.`type` = 'abandoned' BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'calls', `day` FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` IN (SELECT (c.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `calls` c WHERE c.`id` = NEW.`call_id`);
END;
--> statement-breakpoint
-- A wrap-up lasts until the agent's next row: a new row ends the wrap-up of the agent's row before it.
CREATE TRIGGER `report_rollup_agent_state_ai` AFTER INSERT ON `agent_state_events` BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'calls', `day` FROM `report_rollup_days`
		WHERE `source` = 'calls' AND `day` IN (SELECT (c.`entered_at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `calls` c
			WHERE c.`id` = (SELECT CASE WHEN w.`state` = 'wrap_up' THEN w.`call_id` END FROM `agent_state_events` w
				WHERE w.`agent_id` = NEW.`agent_id` AND w.`at` <= NEW.`at` AND w.`id` < NEW.`id` ORDER BY w.`at` DESC, w.`id` DESC LIMIT 1));
END;
--> statement-breakpoint
-- An order event changes its day and any later day of the order; a callback also the days of the missed calls it answers.
CREATE TRIGGER `report_rollup_order_events_ai` AFTER INSERT ON `work_order_events` BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'orders', `day` FROM `report_rollup_days`
		WHERE `source` = 'orders' AND `day` IN (SELECT (m.`at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `work_order_events` m
			WHERE m.`order_id` = NEW.`order_id` AND (m.`at` >= NEW.`at` OR (NEW.`action` = 'callback_done' AND m.`action` IN ('abandon', 'create'))));
END;
--> statement-breakpoint
-- The order figures are keyed by the order's current lead unit, category and channel: a change moves all its days' counts.
CREATE TRIGGER `report_rollup_work_orders_au` AFTER UPDATE OF `lead_unit_id`, `category`, `channel` ON `work_orders`
	WHEN OLD.`lead_unit_id` IS NOT NEW.`lead_unit_id` OR OLD.`category` IS NOT NEW.`category` OR OLD.`channel` IS NOT NEW.`channel` BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'orders', `day` FROM `report_rollup_days`
		WHERE `source` = 'orders' AND `day` IN (SELECT (m.`at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `work_order_events` m WHERE m.`order_id` = NEW.`id`);
END;
--> statement-breakpoint
-- Returns and sign-fors count for the acting handler's (current) unit.
CREATE TRIGGER `report_rollup_users_au` AFTER UPDATE OF `unit_id` ON `users` WHEN OLD.`unit_id` IS NOT NEW.`unit_id` BEGIN
	INSERT OR IGNORE INTO `report_rollup_dirty` (`source`, `day`) SELECT 'orders', `day` FROM `report_rollup_days`
		WHERE `source` = 'orders' AND `day` IN (SELECT (m.`at` + 28800000) / 86400000 * 86400000 - 28800000 FROM `work_order_events` m
			WHERE m.`actor_id` = NEW.`id` AND m.`action` IN ('return', 'sign'));
END;
