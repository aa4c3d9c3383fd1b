-- An API key's account in one statement, without a transaction: every authenticated request
-- starts with this lookup, and as a system-role transaction (begin, set role, select, commit) it
-- cost three more round trips than the request's own work. The function belongs to and runs as
-- market_reports_system (SECURITY DEFINER), so the login role, which inherits nothing (0007),
-- reads no api_keys row except through it, and only by the key's hash. Only the login role may
-- call it: the tenant role must not learn other keys' accounts.
--
-- Created as the system role (the login role is a member, so SET ROLE works without inheriting),
-- which needs CREATE on the schema for that moment only.
GRANT CREATE ON SCHEMA public TO market_reports_system;
SET ROLE market_reports_system;

CREATE FUNCTION market_reports_api_key_account(p_key_hash text)
    RETURNS TABLE (account_id uuid, account_name text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        SELECT k.account_id, a.name
        FROM public.api_keys k JOIN public.accounts a ON a.id = k.account_id
        WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
    $$;

REVOKE ALL ON FUNCTION market_reports_api_key_account(text) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION market_reports_api_key_account(text) TO %I', session_user);
END
$$;

RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM market_reports_system;
