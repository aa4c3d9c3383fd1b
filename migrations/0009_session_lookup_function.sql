-- A browser session's account in one statement, without a transaction, as 0008 does for API keys:
-- every request a signed-in browser makes starts with this lookup, and as a system-role
-- transaction (begin with the role, select, commit) it cost two more round trips than the request's
-- own work. The function belongs to and runs as market_reports_system (SECURITY DEFINER), and only
-- the login role may call it: the tenant role must not learn other sessions' accounts.
--
-- It finds the live session by its token's hash (not ended, neither idle nor absolute expiry
-- passed, its key not revoked) and records the use at most once per p_touch_every, pushing the
-- idle expiry back by p_idle but never past the absolute one. VOLATILE: it may write.
GRANT CREATE ON SCHEMA public TO market_reports_system;
SET ROLE market_reports_system;

CREATE FUNCTION market_reports_session_account(p_token_hash text, p_now timestamptz, p_idle interval, p_touch_every interval)
    RETURNS TABLE (account_id uuid, account_name text)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        WITH live AS (
            SELECT s.id, s.account_id, a.name, s.last_seen_at, s.expires_at
            FROM public.sessions s
            JOIN public.api_keys k ON k.id = s.api_key_id
            JOIN public.accounts a ON a.id = s.account_id
            WHERE s.token_hash = p_token_hash
              AND s.ended_at IS NULL
              AND s.idle_expires_at > p_now
              AND s.expires_at > p_now
              AND k.revoked_at IS NULL
        ), touched AS (
            UPDATE public.sessions s
            SET last_seen_at = p_now, idle_expires_at = LEAST(p_now + p_idle, live.expires_at)
            FROM live
            WHERE s.id = live.id AND p_now - live.last_seen_at >= p_touch_every
        )
        SELECT live.account_id, live.name FROM live
    $$;

REVOKE ALL ON FUNCTION market_reports_session_account(text, timestamptz, interval, interval) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION market_reports_session_account(text, timestamptz, interval, interval) TO %I', session_user);
END
$$;

RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM market_reports_system;
