CREATE TABLE "bridge_nonces" (
	"bridge_id" text NOT NULL,
	"nonce" text NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "bridge_nonces_bridge_id_nonce_pk" PRIMARY KEY("bridge_id","nonce")
);
--> statement-breakpoint
CREATE INDEX "bridge_nonces_expires_idx" ON "bridge_nonces" USING btree ("expires_at");