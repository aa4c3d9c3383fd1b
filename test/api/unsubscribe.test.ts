import { describe, expect, it } from "vitest";
import { unsubscribeToken, unsubscribeUrl } from "../../src/unsubscribe/token.js";
import { createApiApp, listen } from "../../src/api/server.js";
import { createClient } from "../../src/client.js";
import pino from "pino";
import { useTestApi, testEnv, TEST_SECRET } from "../support/api.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

describe.skipIf(!up)("unsubscribe: tRPC procedure, pages and RFC 8058 one-click", () => {
  const api = useTestApi();
  const suppressions = (accountId: string) =>
    api.tdb.handle.db.selectFrom("email_suppressions").select(["email", "reason"]).where("account_id", "=", accountId).orderBy("email").execute();

  it("email.unsubscribe with a good token suppresses the address, lower-cased; a repeat is idempotent", async () => {
    const client = api.clientFor();
    const token = unsubscribeToken(TEST_SECRET, "Mixed.Case@Example.com", api.accountA.id);
    const first = await client.email.unsubscribe.mutate({ email: "Mixed.Case@Example.com", account_id: api.accountA.id, token, reason: "user_request" });
    expect(first).toEqual({ email: "mixed.case@example.com", account_id: api.accountA.id, already_unsubscribed: false });
    const again = await client.email.unsubscribe.mutate({ email: "mixed.case@EXAMPLE.com", account_id: api.accountA.id, token });
    expect(again.already_unsubscribed).toBe(true);
    expect(await suppressions(api.accountA.id)).toEqual([{ email: "mixed.case@example.com", reason: "user_request" }]);
    expect(await suppressions(api.accountB.id)).toEqual([]);
  });

  it("email.unsubscribe with a bad token is BAD_REQUEST and writes nothing", async () => {
    const client = api.clientFor();
    const tokenForB = unsubscribeToken(TEST_SECRET, "x@example.com", api.accountB.id);
    await expect(client.email.unsubscribe.mutate({ email: "x@example.com", account_id: api.accountA.id, token: tokenForB })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: "token: is not valid for this email address and account",
    });
    await expect(client.email.unsubscribe.mutate({ email: "x@example.com", account_id: api.accountA.id, token: "abc" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
    expect((await suppressions(api.accountA.id)).some((s) => s.email === "x@example.com")).toBe(false);
  });

  it("GET /unsubscribe shows a confirm page and changes nothing", async () => {
    const url = unsubscribeUrl(api.url, TEST_SECRET, "get-only@example.com", api.accountA.id);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<form method=\"post\" action=\"/unsubscribe\">");
    expect(html).toContain("get-only@example.com");
    expect((await suppressions(api.accountA.id)).some((s) => s.email === "get-only@example.com")).toBe(false);
  });

  it("POST /unsubscribe from the page's form unsubscribes and confirms", async () => {
    const token = unsubscribeToken(TEST_SECRET, "form@example.com", api.accountA.id);
    const res = await fetch(`${api.url}/unsubscribe`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
      body: new URLSearchParams({ email: "form@example.com", account: api.accountA.id, token }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You are unsubscribed");
    expect(await suppressions(api.accountA.id)).toContainEqual({ email: "form@example.com", reason: "unsubscribe_page" });
  });

  it("RFC 8058 one-click POST to the link itself unsubscribes with 200 and no cookie or login", async () => {
    const url = unsubscribeUrl(api.url, TEST_SECRET, "One.Click@Example.com", api.accountB.id);
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await suppressions(api.accountB.id)).toContainEqual({ email: "one.click@example.com", reason: "one_click" });
    const repeat = await fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(repeat.status).toBe(200);
  });

  it("bad or missing token → 400 page (or JSON) and nothing written", async () => {
    const good = new URL(unsubscribeUrl(api.url, TEST_SECRET, "victim@example.com", api.accountA.id));
    good.searchParams.set("token", "0".repeat(64));
    expect((await fetch(good)).status).toBe(400);
    const post = await fetch(good, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(post.status).toBe(400);
    expect(await post.json()).toMatchObject({ error: "invalid_unsubscribe_link" });
    const missing = await fetch(`${api.url}/unsubscribe?email=victim@example.com`, { headers: { Accept: "text/html" } });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Invalid link");
    expect((await suppressions(api.accountA.id)).some((s) => s.email === "victim@example.com")).toBe(false);
  });

  it("escapes what it echoes back", async () => {
    const email = "a+<script>@example.com";
    const url = unsubscribeUrl(api.url, TEST_SECRET, email, api.accountA.id);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("a+&lt;script&gt;@example.com");
    expect(html).not.toContain("<script>");
  });

  it("email.unsubscribeToken gives the caller's token in development", async () => {
    const result = await api.accountA.client.email.unsubscribeToken.query({ email: "Dev@Example.com" });
    expect(result.token).toBe(unsubscribeToken(TEST_SECRET, "dev@example.com", api.accountA.id));
    expect(result.account_id).toBe(api.accountA.id);
    expect(result.url).toContain("/unsubscribe?");
  });

  it("email.unsubscribeToken is absent when ENVIRONMENT=production", async () => {
    const env = testEnv({
      ENVIRONMENT: "production",
      DATABASE_URL: api.tdb.url,
      AMQP_URL: "amqp://localhost",
      S3_BUCKET: "b",
      SMTP_URL: "smtp://localhost",
      PUBLIC_BASE_URL: "https://reports.example.com",
    });
    const server = await listen(createApiApp({ env, db: api.tdb.handle.db, logger: pino({ level: "silent" }) }), 0, "127.0.0.1");
    try {
      const client = createClient({ url: `${server.url}/trpc`, apiKey: api.accountA.apiKey });
      await expect(client.email.unsubscribeToken.query({ email: "a@example.com" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
      const anonymous = createClient({ url: `${server.url}/trpc` });
      await expect(anonymous.email.unsubscribeToken.query({ email: "a@example.com" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
      expect((await client.schedules.list.query()).count).toBe(0);
    } finally {
      await server.close(1_000);
    }
  });

  it("the pages send nosniff, a CSP that forbids framing, and no script", async () => {
    const page = await fetch(unsubscribeUrl(api.url, TEST_SECRET, "headers@example.com", api.accountA.id));
    const bad = await fetch(`${api.url}/unsubscribe?email=x@example.com&token=zz`, { headers: { Accept: "text/html" } });
    const token = unsubscribeToken(TEST_SECRET, "headers@example.com", api.accountA.id);
    const posted = await fetch(`${api.url}/unsubscribe`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
      body: new URLSearchParams({ email: "headers@example.com", account: api.accountA.id, token }).toString(),
    });
    for (const res of [page, bad, posted]) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("script-src");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("the confirm form posts to PUBLIC_BASE_URL's path, carrying the link's key id", async () => {
    const env = testEnv({ PUBLIC_BASE_URL: "https://reports.example.com/market-reports/" });
    const server = await listen(createApiApp({ env, db: api.tdb.handle.db, logger: pino({ level: "silent" }) }), 0, "127.0.0.1");
    try {
      const link = new URL(unsubscribeUrl(server.url, TEST_SECRET, "prefixed@example.com", api.accountA.id));
      const html = await (await fetch(link)).text();
      expect(html).toContain('<form method="post" action="/market-reports/unsubscribe">');
      expect(html).toContain(`<input type="hidden" name="kid" value="${link.searchParams.get("kid")}">`);
    } finally {
      await server.close(1_000);
    }
  });

  it("a one-click POST sent as multipart/form-data is recorded as one-click", async () => {
    const url = unsubscribeUrl(api.url, TEST_SECRET, "multipart@example.com", api.accountA.id);
    const form = new FormData();
    form.append("List-Unsubscribe", "One-Click");
    const res = await fetch(url, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unsubscribed: true, email: "multipart@example.com" });
    expect(await suppressions(api.accountA.id)).toContainEqual({ email: "multipart@example.com", reason: "one_click" });
  });

  it("a token made with the old built-in development secret is refused; after a rotation the previous secret's links still work", async () => {
    const forged = new URL(unsubscribeUrl(api.url, "development-only-unsubscribe-secret", "real.person@example.com", api.accountA.id));
    forged.searchParams.delete("kid");
    const refused = await fetch(forged, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(refused.status).toBe(400);
    expect((await suppressions(api.accountA.id)).some((s) => s.email === "real.person@example.com")).toBe(false);

    const rotated = "rotated-unsubscribe-secret-abcdefghijklmnopqrstuvwxyz";
    const server = await listen(
      createApiApp({ env: testEnv({ UNSUBSCRIBE_SECRET: rotated, UNSUBSCRIBE_SECRET_PREVIOUS: TEST_SECRET }), db: api.tdb.handle.db, logger: pino({ level: "silent" }) }),
      0,
      "127.0.0.1",
    );
    try {
      const sentBefore = unsubscribeUrl(server.url, TEST_SECRET, "rotation@example.com", api.accountA.id);
      const oneClick = await fetch(sentBefore, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
      expect(oneClick.status).toBe(200);
      expect(await suppressions(api.accountA.id)).toContainEqual({ email: "rotation@example.com", reason: "one_click" });
      const minted = await createClient({ url: `${server.url}/trpc`, apiKey: api.accountA.apiKey }).email.unsubscribeToken.query({ email: "new@example.com" });
      expect(minted.token).toBe(unsubscribeToken(rotated, "new@example.com", api.accountA.id));
    } finally {
      await server.close(1_000);
    }
  });
});
