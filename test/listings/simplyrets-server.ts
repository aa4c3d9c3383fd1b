import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for api.simplyrets.com's GET /properties, answering like the published spec:
 * Basic auth, `status`/`postalCodes`/`cities` filters (repeatable), `minlistdate`/`maxlistdate`,
 * `limit` (max 500) and `lastId` cursor paging in mlsId order. Tests can script failures before
 * the normal answer with `script`.
 */
export interface RecordedRequest {
  url: URL;
  authorization: string | undefined;
  at: number;
}

export type Scripted =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true };

export interface FakeSimplyRets {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers consumed one per request before the normal behaviour. */
  script: Scripted[];
  close(): Promise<void>;
}

export async function startFakeSimplyRets(
  listings: Record<string, unknown>[],
  credentials = { username: "simplyrets", password: "simplyrets" },
): Promise<FakeSimplyRets> {
  const requests: RecordedRequest[] = [];
  const script: Scripted[] = [];
  const expected = "Basic " + Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({ url, authorization: req.headers.authorization, at: Date.now() });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    const next = script.shift();
    if (next && "hang" in next) {
      hanging.add(res);
      return;
    }
    if (next) return send(next.status, next.body ?? { error: next.status, message: http.STATUS_CODES[next.status] }, next.headers);

    if (req.headers.authorization !== expected) return send(401, { error: 401, message: "Authentication Required" });
    if (url.pathname !== "/properties") return send(404, { error: 404, message: "Not Found" });
    const limit = Number(url.searchParams.get("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return send(400, { error: 400, message: "invalid limit" });

    const statuses = url.searchParams.getAll("status");
    const wantedStatuses = statuses.length > 0 ? statuses : ["Active"];
    const zips = url.searchParams.getAll("postalCodes");
    const cities = url.searchParams.getAll("cities").map((c) => c.toLowerCase());
    const min = url.searchParams.get("minlistdate");
    const max = url.searchParams.get("maxlistdate");
    const lastId = url.searchParams.get("lastId");

    const matching = listings
      .filter((l) => {
        const mls = l.mls as { status: string };
        const address = l.address as { postalCode: string; city: string };
        const listDate = Date.parse(l.listDate as string);
        return (
          wantedStatuses.includes(mls.status) &&
          (zips.length === 0 || zips.includes(address.postalCode)) &&
          (cities.length === 0 || cities.includes(address.city.toLowerCase())) &&
          (min === null || listDate >= Date.parse(min)) &&
          (max === null || listDate <= Date.parse(max)) &&
          (lastId === null || (l.mlsId as number) > Number(lastId))
        );
      })
      .sort((a, b) => (a.mlsId as number) - (b.mlsId as number))
      .slice(0, limit);
    send(200, matching);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
