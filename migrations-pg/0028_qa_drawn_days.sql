CREATE TABLE "qa_drawn_days" (
	"day" text PRIMARY KEY NOT NULL,
	"drawn_at" bigint NOT NULL
);
