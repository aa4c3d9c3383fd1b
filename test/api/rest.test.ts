import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessQueue, type InProcessQueue } from "../../src/queue/in-process-queue.js";
import { SEED_CREATE_EXAMPLE, SEED_UPDATE_EXAMPLE } from "../../src/api/rest/rest-routes.js";
import { SEED_CREATE_BODY, useTestApi } from "../support/api.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

/**
 * A /v1 answer's JSON as these tests read it: every route's fields in one shape (a schedule or run
 * id, a page, an error with its issues, …); the ones a route does not answer are undefined.
 */
interface AnswerBody {
  id: string;
  next_run_at: string;
  count: number;
  schedules: { id: string }[];
  runs: { id: string }[];
  suppressions: { email: string; reason: string }[];
  code: string;
  message: string;
  issues: { message: string }[];
  added: boolean;
  token: string;
  already_unsubscribed: boolean;
}

interface Answer {
  status: number;
  headers: Headers;
  body: AnswerBody;
  text: string;
}

describe.skipIf(!up)("REST /v1 on the tRPC procedures (real server, real Postgres)", () => {
  let queue: InProcessQueue;
  beforeAll(() => {
    queue = createInProcessQueue();
  });
  afterAll(async () => {
    await queue?.close();
  });
  const api = useTestApi({ deps: () => ({ queue }) });

  async function call(method: string, path: string, options: { key?: string | null; body?: unknown; raw?: string; contentType?: string } = {}): Promise<Answer> {
    const key = options.key === undefined ? api.accountA.apiKey : options.key;
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      body = options.raw ?? JSON.stringify(options.body);
      headers["content-type"] = options.contentType ?? "application/json";
    }
    const res = await fetch(`${api.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  it("the seed's requests, verbatim: create 201, list, get, PATCH, runs, DELETE 204, then 404", async () => {
    expect(SEED_CREATE_EXAMPLE).toEqual(SEED_CREATE_BODY);
    const created = await call("POST", "/v1/schedules", { body: SEED_CREATE_EXAMPLE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...SEED_CREATE_BODY, account_id: api.accountA.id, timezone: "UTC" });
    expect(created.body.next_run_at).toMatch(/Z$/);
    const id: string = created.body.id;
    expect(created.headers.get("location")).toBe(`/v1/schedules/${id}`);

    const listed = await call("GET", "/v1/schedules?active_only=true");
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ schedules: [{ ...created.body, last_run: null }], count: 1, next_cursor: null });

    const got = await call("GET", `/v1/schedules/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const patched = await call("PATCH", `/v1/schedules/${id}`, { body: SEED_UPDATE_EXAMPLE });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, active: false, send_hour: 10, name: SEED_CREATE_BODY.name });
    expect((await call("GET", "/v1/schedules")).body.count).toBe(0);
    expect((await call("GET", "/v1/schedules?active_only=false")).body.schedules.map((s: { id: string }) => s.id)).toEqual([id]);

    const runs = await call("GET", `/v1/schedules/${id}/runs?limit=50`);
    expect(runs.status).toBe(200);
    expect(runs.body).toEqual({ runs: [], count: 0 });

    const deleted = await call("DELETE", `/v1/schedules/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    const gone = await call("GET", `/v1/schedules/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ code: "NOT_FOUND", message: "schedule not found" });
  });

  it("a schedule reads the same through /v1 and through tRPC", async () => {
    const viaRest = (await call("POST", "/v1/schedules", { body: { ...SEED_CREATE_BODY, zip_codes: ["92101"], timezone: "America/Los_Angeles" } })).body;
    const viaTrpc = await api.accountA.client.schedules.get.query({ id: viaRest.id });
    expect(viaTrpc).toEqual(viaRest);
    const createdByTrpc = await api.accountA.client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "By tRPC" });
    expect((await call("GET", `/v1/schedules/${createdByTrpc.id}`)).body).toEqual(createdByTrpc);
    const listRest = (await call("GET", "/v1/schedules?limit=10&active_only=false")).body;
    expect(listRest).toEqual(await api.accountA.client.schedules.list.query({ limit: 10, active_only: false }));
  });

  it("401 without a key or with an unknown one, with WWW-Authenticate", async () => {
    for (const key of [null, "mr_00000000_notarealkeynotarealkeynotarealkeynotarea"]) {
      const res = await call("GET", "/v1/schedules", { key });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("UNAUTHORIZED");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const create = await call("POST", "/v1/schedules", { key: null, body: SEED_CREATE_BODY });
    expect(create.status).toBe(401);
  });

  it("input rules hold over REST: strict bodies, field-named messages with issues, and nothing written", async () => {
    const before = (await call("GET", "/v1/schedules?active_only=false&limit=200")).body.count;
    const cases: Array<[string, string, unknown, RegExp]> = [
      ["POST", "/v1/schedules", { ...SEED_CREATE_BODY, bogus: 1 }, /^bogus: is not a known field$/],
      ["POST", "/v1/schedules", { ...SEED_CREATE_BODY, recipients: ["ok@example.com", "nope"] }, /^recipients\[1\]: must be a valid email address$/],
      ["POST", "/v1/schedules", { ...SEED_CREATE_BODY, weekly_dow: undefined }, /^weekly_dow: is required when cadence is weekly$/],
      ["POST", "/v1/schedules", { ...SEED_CREATE_BODY, send_hour: "9" }, /^send_hour: /],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await call(method, path, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("BAD_REQUEST");
      expect(res.body.message).toMatch(message);
      expect(res.body.issues.length).toBeGreaterThan(0);
      expect(res.body.issues[0].message).toMatch(message);
    }
    expect((await call("GET", "/v1/schedules?active_only=false&limit=200")).body.count).toBe(before);

    const s = (await call("POST", "/v1/schedules", { body: SEED_CREATE_BODY })).body;
    const badPatch = await call("PATCH", `/v1/schedules/${s.id}`, { body: { cadence: "monthly" } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.message).toMatch(/monthly_dom: is required when cadence is monthly/);
    expect((await call("GET", `/v1/schedules/${s.id}`)).body).toEqual(s);
  });

  it("query strings, path ids and bodies are checked by the procedure's own rules", async () => {
    const expectations: Array<[string, string, RegExp]> = [
      ["GET", "/v1/schedules?limit=0", /^limit: must be 1 to 200$/],
      ["GET", "/v1/schedules?limit=abc", /^limit: must be a number$/],
      ["GET", "/v1/schedules?limit=2.5", /^limit: must be a whole number$/],
      ["GET", "/v1/schedules?active_only=maybe", /^active_only: must be true or false$/],
      ["GET", "/v1/schedules?sort=name", /^sort: is not a known field$/],
      ["GET", "/v1/schedules/not-a-uuid", /^id: must be a schedule id \(UUID\)$/],
      ["GET", "/v1/schedules?cursor=zzz", /^cursor: is not a cursor this API returned$/],
      ["GET", "/v1/schedules/00000000-0000-4000-8000-000000000000/runs?limit=501", /^limit: must be 1 to 500$/],
      ["GET", "/v1/email/log?run_id=x", /^run_id: must be a run id \(UUID\)$/],
    ];
    for (const [method, path, message] of expectations) {
      const res = await call(method, path);
      expect(res.status, path).toBe(400);
      expect(res.body.message, path).toMatch(message);
    }
    const s = (await call("POST", "/v1/schedules", { body: SEED_CREATE_BODY })).body;
    const idInBody = await call("PATCH", `/v1/schedules/${s.id}`, { body: { id: s.id, name: "x" } });
    expect(idInBody.status).toBe(400);
    expect(idInBody.body.message).toBe("id: is given in the path; leave it out of the body");
    const notJson = await call("POST", "/v1/schedules", { raw: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ code: "BAD_REQUEST", message: "body: is not valid JSON" });
    const notJsonType = await call("POST", "/v1/schedules", { raw: JSON.stringify(SEED_CREATE_BODY), contentType: "text/plain" });
    expect(notJsonType.status).toBe(415);
    const unknownRoute = await call("GET", "/v1/nothing-here");
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.code).toBe("NOT_FOUND");
  });

  it("another account's schedule is 404 on every route, and stays as it was", async () => {
    const s = (await call("POST", "/v1/schedules", { body: { ...SEED_CREATE_BODY, name: "A's" } })).body;
    const b = api.accountB.apiKey;
    const attempts: Array<[string, string, unknown]> = [
      ["GET", `/v1/schedules/${s.id}`, undefined],
      ["PATCH", `/v1/schedules/${s.id}`, { name: "stolen" }],
      ["DELETE", `/v1/schedules/${s.id}`, undefined],
      ["GET", `/v1/schedules/${s.id}/runs`, undefined],
      ["POST", `/v1/schedules/${s.id}/run-now`, undefined],
      ["POST", `/v1/schedules/${s.id}/send-test`, { to: ["x@example.com"] }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, { key: b, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
    }
    expect((await call("GET", `/v1/schedules/${s.id}`)).body).toEqual(s);
    expect((await call("GET", "/v1/schedules", { key: b })).body.schedules.map((x: { id: string }) => x.id)).not.toContain(s.id);
  });

  it("run-now and send-test answer 202 with the run; a second run-now within the minute is 409, naming the schedule's zone", async () => {
    const s = (await call("POST", "/v1/schedules", { body: { ...SEED_CREATE_BODY, timezone: "America/Chicago" } })).body;
    const run = await call("POST", `/v1/schedules/${s.id}/run-now`);
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ schedule_id: s.id, kind: "manual" });
    const again = await call("POST", `/v1/schedules/${s.id}/run-now`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CONFLICT");
    expect(again.body.message).toMatch(
      /^schedule \S+ was already run manually at \w+ \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M C[SD]T \(America\/Chicago\); a schedule can be run manually once a minute \(try again in \d+ s\)$/,
    );
    const test = await call("POST", `/v1/schedules/${s.id}/send-test`, { body: { to: ["Client@Example.com"] } });
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ schedule_id: s.id, kind: "test" });
    const runs = (await call("GET", `/v1/schedules/${s.id}/runs`)).body;
    expect(runs.runs.map((r: { id: string }) => r.id).sort()).toEqual([run.body.id, test.body.id].sort());
  });

  it("suppressions: add 201, list, remove 204, then 404; reports and the email log list", async () => {
    const added = await call("POST", "/v1/suppressions", { body: { email: "Gone@Example.com", reason: "asked by phone" } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ email: "gone@example.com", added: true });
    expect((await call("POST", "/v1/suppressions", { body: { email: "gone@example.com" } })).body.added).toBe(false);
    const list = (await call("GET", "/v1/suppressions")).body;
    expect(list.suppressions.map((x: { email: string }) => x.email)).toEqual(["gone@example.com"]);
    expect((await call("GET", "/v1/suppressions", { key: api.accountB.apiKey })).body.count).toBe(0);
    expect((await call("DELETE", `/v1/suppressions/${encodeURIComponent("Gone@Example.com")}`)).status).toBe(204);
    expect((await call("DELETE", "/v1/suppressions/gone@example.com")).status).toBe(404);
    expect((await call("DELETE", "/v1/suppressions/not-an-address")).body.message).toBe("email: must be a valid email address");

    expect((await call("GET", "/v1/reports")).body).toEqual({ reports: [], count: 0, next_cursor: null });
    expect((await call("GET", "/v1/reports/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("GET", "/v1/email/log?limit=5")).body).toEqual({ entries: [], count: 0, next_cursor: null });
  });

  it("unsubscribe: the dev token endpoint, then the public POST (the seed's body plus account_id); bad tokens write nothing", async () => {
    const minted = await call("GET", "/v1/email/unsubscribe/token?email=User@Example.com");
    expect(minted.status).toBe(200);
    expect(minted.body).toMatchObject({ email: "user@example.com", account_id: api.accountA.id });
    const seedBody = { email: "user@example.com", token: minted.body.token, reason: "user_request" };

    const withoutAccount = await call("POST", "/v1/email/unsubscribe", { key: null, body: seedBody });
    expect(withoutAccount.status).toBe(400);
    expect(withoutAccount.body.message).toBe("account_id: is required");

    const badToken = await call("POST", "/v1/email/unsubscribe", { key: null, body: { ...seedBody, account_id: api.accountA.id, token: "0".repeat(64) } });
    expect(badToken.status).toBe(400);
    expect(badToken.body.message).toMatch(/^token: /);
    expect((await call("GET", "/v1/suppressions")).body.suppressions.map((x: { email: string }) => x.email)).not.toContain("user@example.com");

    const ok = await call("POST", "/v1/email/unsubscribe", { key: null, body: { ...seedBody, account_id: api.accountA.id } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ email: "user@example.com", account_id: api.accountA.id, already_unsubscribed: false });
    const again = await call("POST", "/v1/email/unsubscribe", { key: null, body: { ...seedBody, account_id: api.accountA.id } });
    expect(again.body.already_unsubscribed).toBe(true);
    expect((await call("GET", "/v1/suppressions")).body.suppressions).toEqual([expect.objectContaining({ email: "user@example.com", reason: "user_request" })]);
  });
});
