-- A third role for the report worker: the tenant role's reach (it is a member, so the tenant
-- policies apply to it) plus writing reports and the email log, which the API never does. Created
-- before the login role stops inheriting, so that applies to it as well.
DO $$
BEGIN
    BEGIN
        CREATE ROLE market_reports_worker NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    IF NOT pg_has_role('market_reports_worker', 'market_reports_tenant', 'MEMBER') THEN
        BEGIN
            GRANT market_reports_tenant TO market_reports_worker;
        EXCEPTION WHEN OTHERS THEN
            -- another database's migration may have granted it at the same moment
            IF NOT pg_has_role('market_reports_worker', 'market_reports_tenant', 'MEMBER') THEN RAISE; END IF;
        END;
    END IF;
    EXECUTE format('GRANT market_reports_worker TO %I', current_user);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not set up market_reports_worker for %; create it, grant it market_reports_tenant and grant it to % by hand', current_user, current_user;
END
$$;

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
        EXECUTE format('GRANT market_reports_worker TO %I WITH INHERIT FALSE', login);
        EXECUTE format('GRANT market_reports_system TO %I WITH INHERIT FALSE', login);
    ELSE
        -- A database owner creates in schema public through pg_database_owner, a membership that
        -- NOINHERIT also stops: granted directly (with the owner's right to pass it on), later
        -- migrations can still create objects and hand them to the service's roles.
        EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I WITH GRANT OPTION', login);
        EXECUTE format('ALTER ROLE %I NOINHERIT', login);
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not stop % inheriting the market_reports roles; as a superuser run: ALTER ROLE % NOINHERIT', login, login;
END
$$;

-- The tenant role (every API request) keeps only what the API does: key lookups and sessions go
-- through the system role; it reads reports and the email log and writes neither; it creates runs
-- (runNow, sendTest) and marks them queued but deletes none (deleting a schedule cascades as the
-- owner). The worker role adds the report and email log writes.
REVOKE ALL ON api_keys, sessions FROM market_reports_tenant;
REVOKE DELETE, TRUNCATE ON schedule_runs FROM market_reports_tenant;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON report_runs, email_log FROM market_reports_tenant;
GRANT USAGE ON SCHEMA public TO market_reports_worker;
GRANT INSERT, UPDATE ON report_runs, email_log TO market_reports_worker;
