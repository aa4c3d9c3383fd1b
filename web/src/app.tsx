import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect } from "react";
import { Link, Redirect, Route, Switch, useLocation } from "wouter";
import { isUnauthorized, SESSION_KEY, sessionQuery, signOut } from "./api.js";
import { SchedulesPage } from "./pages/schedules-page.js";
import { SignInPage } from "./pages/sign-in-page.js";

// The schedules list is what opens first; the other pages (the form with its validation rules,
// dialogs, the report preview) load when first visited, so the first page does not wait for them.
const NewSchedulePage = lazy(() => import("./pages/new-schedule-page.js").then((m) => ({ default: m.NewSchedulePage })));
const EditSchedulePage = lazy(() => import("./pages/edit-schedule-page.js").then((m) => ({ default: m.EditSchedulePage })));
const RunsPage = lazy(() => import("./pages/runs-page.js").then((m) => ({ default: m.RunsPage })));
const SuppressionsPage = lazy(() => import("./pages/suppressions-page.js").then((m) => ({ default: m.SuppressionsPage })));

export function App() {
  const [location] = useLocation();
  if (location === "/sign-in") return <SignInPage />;
  return <SignedInApp />;
}

function SignedInApp() {
  const [location, navigate] = useLocation();
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery);

  // A procedure answering UNAUTHORIZED means the session ended (signed out elsewhere, key revoked).
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type === "updated" && isUnauthorized(event.query.state.error)) {
          queryClient.setQueryData(SESSION_KEY, null);
        }
      }),
    [queryClient],
  );

  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) return <p role="alert" className="error">{session.error.message}</p>;
  if (!session.data) return <Redirect to={`/sign-in?next=${encodeURIComponent(location)}`} />;

  async function onSignOut() {
    await signOut();
    queryClient.clear();
    queryClient.setQueryData(SESSION_KEY, null);
    navigate("/sign-in");
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Market Reports</span>
        <nav aria-label="Main">
          <Link href="/schedules" className={(active) => (active ? "active" : "")}>
            Schedules
          </Link>
          <Link href="/suppressions" className={(active) => (active ? "active" : "")}>
            Suppressions
          </Link>
        </nav>
        <span className="account">{session.data.account_name}</span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Switch>
            <Route path="/">
              <Redirect to="/schedules" />
            </Route>
            <Route path="/schedules" component={SchedulesPage} />
            <Route path="/schedules/new" component={NewSchedulePage} />
            <Route path="/schedules/:id/runs">{(params) => <RunsPage id={params.id} />}</Route>
            <Route path="/schedules/:id">{(params) => <EditSchedulePage id={params.id} />}</Route>
            <Route path="/suppressions" component={SuppressionsPage} />
            <Route>
              <h1>Page not found</h1>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
