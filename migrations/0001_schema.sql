-- Core schema. Column names follow the seed (Phase 24A) so its SQL and request bodies keep working;
-- created_at defaults are truncated to milliseconds so keyset cursors round-trip through JS dates exactly.
-- additions are noted where they differ.

CREATE TABLE accounts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now())
);

-- Keys are shown once; only their SHA-256 is kept. The prefix lets people tell keys apart.
CREATE TABLE api_keys (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    key_prefix TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE schedules (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    report_type TEXT NOT NULL,
    city TEXT CHECK (city IS NULL OR length(city) BETWEEN 1 AND 100),
    zip_codes TEXT[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(zip_codes) <= 100 AND array_to_string(zip_codes, ',') ~ '^([0-9]{5}(,[0-9]{5})*)?$'),
    lookback_days INT NOT NULL DEFAULT 30 CHECK (lookback_days BETWEEN 1 AND 365),
    -- The seed allowed weekly and monthly; daily is added.
    cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
    weekly_dow INT CHECK (weekly_dow BETWEEN 0 AND 6),
    -- 1..31; a day past the month's end fires on its last day (the seed capped at 28).
    monthly_dom INT CHECK (monthly_dom BETWEEN 1 AND 31),
    send_hour INT NOT NULL DEFAULT 9 CHECK (send_hour BETWEEN 0 AND 23),
    send_minute INT NOT NULL DEFAULT 0 CHECK (send_minute BETWEEN 0 AND 59),
    timezone TEXT NOT NULL DEFAULT 'UTC',
    recipients TEXT[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 50),
    include_attachment BOOLEAN NOT NULL DEFAULT FALSE,
    filters JSONB NOT NULL DEFAULT '{}'::jsonb,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    last_run_at TIMESTAMPTZ,
    next_run_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((cadence = 'weekly') = (weekly_dow IS NOT NULL)),
    CHECK ((cadence = 'monthly') = (monthly_dom IS NOT NULL))
);

-- The tick's due scan: active schedules by next_run_at, oldest first.
CREATE INDEX schedules_due_idx ON schedules (next_run_at) WHERE active;
CREATE INDEX schedules_account_created_idx ON schedules (account_id, created_at DESC, id DESC);

CREATE TABLE report_runs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    schedule_id UUID REFERENCES schedules(id) ON DELETE SET NULL,
    schedule_run_id UUID,
    report_type TEXT NOT NULL,
    params JSONB NOT NULL DEFAULT '{}'::jsonb,
    period_start TIMESTAMPTZ,
    period_end TIMESTAMPTZ,
    status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'failed')),
    pdf_key TEXT,
    html_key TEXT,
    size_bytes BIGINT,
    summary JSONB,
    error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX report_runs_account_created_idx ON report_runs (account_id, created_at DESC, id DESC);
CREATE INDEX report_runs_schedule_idx ON report_runs (schedule_id, created_at DESC);
CREATE UNIQUE INDEX report_runs_schedule_run_idx ON report_runs (schedule_run_id) WHERE schedule_run_id IS NOT NULL;

CREATE TABLE schedule_runs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    schedule_id UUID NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    report_run_id UUID REFERENCES report_runs(id) ON DELETE SET NULL,
    scheduled_for TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL DEFAULT 'scheduled' CHECK (kind IN ('scheduled', 'manual', 'test')),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'queued', 'running', 'completed', 'partial', 'failed', 'skipped')),
    attempts INT NOT NULL DEFAULT 0,
    -- The schedule's parameters as claimed, so a redelivered job renders what was due, not a later edit.
    params JSONB NOT NULL DEFAULT '{}'::jsonb,
    error TEXT,
    summary JSONB,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    queued_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    UNIQUE (schedule_id, scheduled_for)
);
CREATE INDEX schedule_runs_schedule_created_idx ON schedule_runs (schedule_id, created_at DESC, id DESC);
-- Recovery scan for runs a dead tick left unpublished.
CREATE INDEX schedule_runs_pending_idx ON schedule_runs (created_at) WHERE status = 'pending';

ALTER TABLE report_runs
    ADD CONSTRAINT report_runs_schedule_run_fk FOREIGN KEY (schedule_run_id) REFERENCES schedule_runs(id) ON DELETE SET NULL;

CREATE TABLE email_log (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    schedule_id UUID,
    run_id UUID REFERENCES schedule_runs(id) ON DELETE SET NULL,
    report_id UUID,
    provider TEXT,
    -- The seed's array column; we write exactly one recipient per row.
    to_emails TEXT[] NOT NULL,
    subject TEXT,
    response_code INT,
    message_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'suppressed')),
    error TEXT,
    -- A failed send worth another try within the run's retry policy (4xx, connection trouble).
    retryable BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_log_run_recipient_idx ON email_log (run_id, (to_emails[1])) WHERE run_id IS NOT NULL;
CREATE INDEX email_log_account_created_idx ON email_log (account_id, created_at DESC, id DESC);
CREATE INDEX email_log_schedule_idx ON email_log (schedule_id, created_at DESC);

CREATE TABLE email_suppressions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email TEXT NOT NULL CHECK (email = lower(email)),
    reason TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    UNIQUE (account_id, email)
);
