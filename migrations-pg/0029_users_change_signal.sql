-- What the session check reads (a session's row, its user's account) changed: tell the listening
-- Sunline processes (src/db/postgres-commit-signal.ts, channel sunline_users), whoever committed it
-- (another node, `sunline users disable`, a DBA). NOTIFY is delivered at commit, not at all on a
-- rollback. SQLite needs no trigger: its data_version moves on another connection's commit
-- (migrations/0038 is this step's empty counterpart).
CREATE FUNCTION "sunline_users_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sunline_users', '');
  RETURN NULL;
END $$;--> statement-breakpoint
-- For deleted sessions, only when there were any: the expired-session sweep deletes none most of the time.
CREATE FUNCTION "sunline_users_notify_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "gone") THEN
    PERFORM pg_notify('sunline_users', '');
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "sessions_notify_ad" AFTER DELETE ON "sessions" REFERENCING OLD TABLE AS "gone"
  FOR EACH STATEMENT EXECUTE FUNCTION "sunline_users_notify_deleted"();--> statement-breakpoint
CREATE TRIGGER "sessions_notify_au" AFTER UPDATE OF "token_hash", "user_id", "expires_at" ON "sessions"
  FOR EACH STATEMENT EXECUTE FUNCTION "sunline_users_notify"();--> statement-breakpoint
CREATE TRIGGER "sessions_notify_at" AFTER TRUNCATE ON "sessions" FOR EACH STATEMENT EXECUTE FUNCTION "sunline_users_notify"();--> statement-breakpoint
CREATE TRIGGER "users_notify_au" AFTER UPDATE OF "username", "display_name", "role", "unit_id", "password_hash", "disabled", "must_change_password" ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "sunline_users_notify"();
