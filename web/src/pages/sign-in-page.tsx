import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useLocation, useSearch } from "wouter";
import { SESSION_KEY, signIn } from "../api.js";
import { Page } from "../components/page.js";

/** Only paths of this app are followed after sign-in: never another site. */
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next && /^\/(?!\/)/.test(next) && next !== "/sign-in" ? next : "/schedules";
}

export function SignInPage() {
  const [, navigate] = useLocation();
  const search = useSearch();
  const queryClient = useQueryClient();
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const autoTried = useRef(false);

  async function submit(key: string) {
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(key);
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, session);
      navigate(safeNext(search), { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  // The one-time link `npm start` prints carries the key in the fragment (#key=…), which browsers
  // never send to a server; it is read once and wiped from the address bar and history.
  useEffect(() => {
    const key = new URLSearchParams(window.location.hash.slice(1)).get("key");
    if (!key || autoTried.current) return;
    autoTried.current = true;
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    void submit(key);
  }, []);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!apiKey.trim()) {
      setError("API key: is required");
      return;
    }
    void submit(apiKey.trim());
  }

  return (
    <main id="main" className="sign-in">
      <Page title="Sign in">
        <form onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="api-key">API key</label>
            <input
              id="api-key"
              name="api_key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "api-key-error" : "api-key-hint"}
            />
            <p id="api-key-hint" className="hint">
              Your account's key, <code>mr_…</code>. It signs this browser in and is not stored in it.
            </p>
            {error ? (
              <p id="api-key-error" role="alert" className="error">
                {error}
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </Page>
    </main>
  );
}
