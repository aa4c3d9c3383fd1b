-- Row-level security fails closed. The login role (the one that runs migrations and the processes)
-- is a member of market_reports_tenant and market_reports_system so that each transaction can
-- switch to one of them. With INHERIT it also held their privileges all the time: a query made
-- outside withTenant/withSystem matched the system role's "every row" policies. Without inheriting,
-- switching still works (membership is what SET ROLE needs) but a bare query matches no policy,
-- and FORCE ROW LEVEL SECURITY makes the owner see nothing. The processes check this at start-up.
--   Postgres 16+: the two memberships are re-granted WITH INHERIT FALSE (nothing else changes).
--   Postgres 15 and older: membership has no such option, so the login role becomes NOINHERIT;
--   use a login role of its own for this service (its other memberships stop being inherited too).
-- A superuser is left alone: it bypasses row-level security whatever it inherits, and altering
-- a cluster's superuser is not this migration's business (the processes warn about it instead).
DO $$
DECLARE
    login text := current_user;
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = login) THEN
        RAISE NOTICE '% is a superuser: row-level security does not apply to it; run the service as a dedicated login role', login;
        RETURN;
    END IF;
    IF current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE format('GRANT market_reports_tenant TO %I WITH INHERIT FALSE', login);
        EXECUTE format('GRANT market_reports_system TO %I WITH INHERIT FALSE', login);
    ELSE
        EXECUTE format('ALTER ROLE %I NOINHERIT', login);
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not stop % inheriting the market_reports roles; as a superuser run: ALTER ROLE % NOINHERIT', login, login;
END
$$;

-- The tenant role keeps only what the API and the worker do inside a tenant transaction. Key
-- lookups and sessions go through the system role; runs, reports and the email log are written
-- and updated but never deleted by a tenant (deleting a schedule cascades as the owner).
REVOKE ALL ON api_keys, sessions FROM market_reports_tenant;
REVOKE DELETE, TRUNCATE ON schedule_runs, report_runs, email_log FROM market_reports_tenant;
