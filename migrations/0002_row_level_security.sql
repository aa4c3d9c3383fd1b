-- Two roles, neither able to log in: processes connect as the owner and switch per transaction
-- (SET LOCAL ROLE), so no code path can run tenant queries with the owner's reach by accident.
--   market_reports_tenant: sees only the account in app.current_account_id; none when unset.
--   market_reports_system: the tick's cross-account scan and key lookup; sees every row.
-- Roles are cluster-wide, so creating them must tolerate another database having done it first.
DO $$
BEGIN
    BEGIN
        CREATE ROLE market_reports_tenant NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE market_reports_system NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    EXECUTE format('GRANT market_reports_tenant TO %I', current_user);
    EXECUTE format('GRANT market_reports_system TO %I', current_user);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not grant market_reports roles to %; grant them by hand', current_user;
END
$$;

GRANT USAGE ON SCHEMA public TO market_reports_tenant, market_reports_system;
GRANT SELECT ON accounts TO market_reports_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON schedules, schedule_runs, report_runs, email_log, email_suppressions
    TO market_reports_tenant;
GRANT SELECT ON api_keys TO market_reports_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO market_reports_system;

CREATE FUNCTION app_current_account_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.current_account_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION app_current_account_id() TO market_reports_tenant, market_reports_system;

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY accounts_tenant ON accounts TO market_reports_tenant
    USING (id = app_current_account_id());
CREATE POLICY accounts_system ON accounts TO market_reports_system USING (true) WITH CHECK (true);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['api_keys', 'schedules', 'schedule_runs', 'report_runs', 'email_log', 'email_suppressions']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I TO market_reports_tenant USING (account_id = app_current_account_id()) WITH CHECK (account_id = app_current_account_id())',
            t || '_tenant', t);
        EXECUTE format('CREATE POLICY %I ON %I TO market_reports_system USING (true) WITH CHECK (true)', t || '_system', t);
    END LOOP;
END
$$;
