ALTER TABLE `report_call_days` ADD `month` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `report_order_days` ADD `month` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_report_co_days` (
	`day` integer NOT NULL,
	`unit_id` text NOT NULL,
	`received` integer NOT NULL,
	`replied` integer NOT NULL,
	`missed` integer NOT NULL,
	`month` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `month`, `unit_id`)
);
--> statement-breakpoint
INSERT INTO `__new_report_co_days`("day", "unit_id", "received", "replied", "missed", "month") SELECT "day", "unit_id", "received", "replied", "missed", 0 FROM `report_co_days`;--> statement-breakpoint
DROP TABLE `report_co_days`;--> statement-breakpoint
ALTER TABLE `__new_report_co_days` RENAME TO `report_co_days`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
