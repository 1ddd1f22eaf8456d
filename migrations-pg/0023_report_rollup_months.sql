ALTER TABLE "report_call_days" ADD COLUMN "month" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_co_days" ADD COLUMN "month" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_order_days" ADD COLUMN "month" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_co_days" DROP CONSTRAINT "report_co_days_day_unit_id_pk";--> statement-breakpoint
ALTER TABLE "report_co_days" ADD CONSTRAINT "report_co_days_day_month_unit_id_pk" PRIMARY KEY("day","month","unit_id");
