-- Browser sessions: an API key signs a browser in; the browser then holds only a random session id
-- in an httpOnly cookie. Only the id's SHA-256 is stored. A session ends at sign-out, when its key
-- is revoked (every lookup joins the live key), after `idle_expires_at` without use, and at
-- `expires_at` whatever the use.
CREATE TABLE sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    api_key_id UUID NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    idle_expires_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ
);
CREATE INDEX sessions_api_key_idx ON sessions (api_key_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Row-level security like every tenant table: a tenant sees only its account's sessions; the
-- lookup by cookie (before the account is known) runs as the system role.
GRANT SELECT, UPDATE, DELETE ON sessions TO market_reports_tenant;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_tenant ON sessions TO market_reports_tenant
    USING (account_id = app_current_account_id()) WITH CHECK (account_id = app_current_account_id());
CREATE POLICY sessions_system ON sessions TO market_reports_system USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO market_reports_system;
