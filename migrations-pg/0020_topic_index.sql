CREATE TABLE "topic_order_words" (
	"word" text NOT NULL,
	"day" text NOT NULL,
	"order_id" integer NOT NULL,
	"unit_id" text NOT NULL,
	"category" text NOT NULL,
	CONSTRAINT "topic_order_words_word_day_order_id_pk" PRIMARY KEY("word","day","order_id")
);
--> statement-breakpoint
CREATE TABLE "topic_orders" (
	"order_id" integer PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"updated_at" bigint NOT NULL,
	"day" text NOT NULL,
	"unit_id" text NOT NULL,
	"category" text NOT NULL,
	"counted" boolean NOT NULL,
	"words" text NOT NULL,
	"places" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "topic_place_days" (
	"word" text NOT NULL,
	"day" text NOT NULL,
	"unit_id" text NOT NULL,
	"category" text NOT NULL,
	"place" text NOT NULL,
	"orders" integer NOT NULL,
	CONSTRAINT "topic_place_days_word_day_unit_id_category_place_pk" PRIMARY KEY("word","day","unit_id","category","place")
);
--> statement-breakpoint
CREATE TABLE "topic_word_days" (
	"day" text NOT NULL,
	"word" text NOT NULL,
	"unit_id" text NOT NULL,
	"category" text NOT NULL,
	"orders" integer NOT NULL,
	CONSTRAINT "topic_word_days_day_word_unit_id_category_pk" PRIMARY KEY("day","word","unit_id","category")
);
--> statement-breakpoint
CREATE INDEX "topic_orders_day_idx" ON "topic_orders" USING btree ("day","counted","unit_id","category");--> statement-breakpoint
CREATE INDEX "topic_orders_updated_idx" ON "topic_orders" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "work_orders_updated_idx" ON "work_orders" USING btree ("updated_at");