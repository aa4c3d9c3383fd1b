import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The one SimplyRETS stand-in for tests: GET /properties answered as the published spec
 * (/work/shared/reference/simplyrets-openapi.yaml) describes it, over a feed of raw listing
 * records in the API's own shape.
 *
 * - HTTP Basic auth; 401 `{error, message}` otherwise.
 * - `status` (repeatable, default Active), `type` (repeatable, default residential and rental),
 *   `cities`, `state`, `counties`, `neighborhoods` (repeatable, case-insensitive), `postalCodes`
 *   (repeatable; a ZIP+4 record matches its five-digit ZIP), `minprice`/`maxprice` (list price),
 *   `minbeds`/`maxbeds`, `minbaths`/`maxbaths` (total bathrooms: `bathrooms`, else full + ½ half +
 *   ¾ three-quarter), `minarea`/`maxarea`, `minyear`/`maxyear`, `maxdom` (`mls.daysOnMarket`),
 *   `minlistdate`/`maxlistdate` (inclusive, on `listDate`). Different parameters must all match;
 *   repeated values of one parameter are alternatives. A record missing the field a filter reads
 *   does not match it. `vendor` is accepted and ignored (one feed).
 * - `limit` (default 20, at most 500), `lastId` (mlsId cursor; `sort` is ignored with it),
 *   `offset`, `sort`, `count=true` (X-Total-Count), and a
 *   `Link: <…>; rel="next"` header on every full page.
 * Tests can script failures before the normal answer (`script`) or intercept requests (`intercept`).
 * Used by the listing-source tests, the report-figures fixture test and the e2e harness.
 */
export interface RecordedRequest {
  url: URL;
  authorization: string | undefined;
  at: number;
}

export type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | { hang: true };

/** A feed: the records themselves, or a function giving the records that can match a request. */
export type Feed = readonly Record<string, unknown>[] | ((request: { cities: string[]; postalCodes: string[] }) => readonly Record<string, unknown>[]);

export interface FakeSimplyRets {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests answered 200 with a page of listings. */
  readonly answered: number;
  /** Answers consumed one per request before the normal behaviour. */
  script: Scripted[];
  /** Asked before every request; an answer it returns is used instead of the normal one. */
  intercept: ((url: URL) => Scripted | undefined) | undefined;
  close(): Promise<void>;
}

export const TYPE_CODES: Readonly<Record<string, string>> = {
  residential: "RES",
  rental: "RNT",
  mobilehome: "MOB",
  condominium: "CND",
  multifamily: "MLF",
  commercial: "CRE",
  commerciallease: "CLE",
  land: "LND",
  farm: "FRM",
};
const STATUSES = ["Active", "Pending", "Closed", "ActiveUnderContract", "Hold", "Withdrawn", "Expired", "Delete", "Incomplete", "ComingSoon"];
const SORTS: Record<string, (l: Record<string, unknown>) => number> = {
  listprice: (l) => num(l.listPrice) ?? -Infinity,
  listdate: (l) => (typeof l.listDate === "string" ? Date.parse(l.listDate) : -Infinity),
  closedate: (l) => (typeof (l.sales as { closeDate?: unknown } | null)?.closeDate === "string" ? Date.parse((l.sales as { closeDate: string }).closeDate) : -Infinity),
  beds: (l) => num((l.property as Record<string, unknown> | null)?.bedrooms) ?? -Infinity,
  baths: (l) => totalBaths(l) ?? -Infinity,
};

function num(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function totalBaths(l: Record<string, unknown>): number | null {
  const p = (l.property ?? {}) as Record<string, unknown>;
  const total = num(p.bathrooms);
  if (total !== null) return total;
  const full = num(p.bathsFull);
  if (full === null) return null;
  return full + 0.5 * (num(p.bathsHalf) ?? 0) + 0.75 * (num(p.bathsThreeQuarter) ?? 0);
}

class BadRequest extends Error {}

function intParam(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return null;
  if (!/^-?\d+$/.test(raw)) throw new BadRequest(`${name} must be an integer`);
  return Number(raw);
}

function dateParam(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return null;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new BadRequest(`${name} must be a date`);
  return t;
}

function between(value: number | null, min: number | null, max: number | null): boolean {
  if (min === null && max === null) return true;
  return value !== null && (min === null || value >= min) && (max === null || value <= max);
}

/** The records of `feed` a /properties search selects, in answer order, before paging. */
export function searchFeed(feed: readonly Record<string, unknown>[], url: URL): Record<string, unknown>[] {
  const statuses = url.searchParams.getAll("status");
  for (const s of statuses) if (!STATUSES.includes(s)) throw new BadRequest(`unknown status ${s}`);
  const wantedStatuses = new Set(statuses.length > 0 ? statuses : ["Active"]);
  const types = url.searchParams.getAll("type");
  for (const t of types) if (!(t in TYPE_CODES)) throw new BadRequest(`unknown type ${t}`);
  const wantedTypes = new Set((types.length > 0 ? types : ["residential", "rental"]).map((t) => TYPE_CODES[t]));
  const words = (name: string) => url.searchParams.getAll(name).map((c) => c.trim().toLowerCase());
  const cities = words("cities");
  const states = words("state");
  const counties = words("counties");
  const neighborhoods = words("neighborhoods");
  const zips = url.searchParams.getAll("postalCodes").map((z) => z.trim());
  const price = [intParam(url, "minprice"), intParam(url, "maxprice")] as const;
  const beds = [intParam(url, "minbeds"), intParam(url, "maxbeds")] as const;
  const baths = [intParam(url, "minbaths"), intParam(url, "maxbaths")] as const;
  const area = [intParam(url, "minarea"), intParam(url, "maxarea")] as const;
  const year = [intParam(url, "minyear"), intParam(url, "maxyear")] as const;
  const listDate = [dateParam(url, "minlistdate"), dateParam(url, "maxlistdate")] as const;
  const maxDom = intParam(url, "maxdom");

  return feed.filter((l) => {
    const mls = (l.mls ?? {}) as Record<string, unknown>;
    const property = (l.property ?? {}) as Record<string, unknown>;
    const address = (l.address ?? {}) as Record<string, unknown>;
    const word = (value: unknown) => (typeof value === "string" ? value.trim().toLowerCase() : null);
    const oneOf = (wanted: string[], value: unknown) => wanted.length === 0 || (word(value) !== null && wanted.includes(word(value)!));
    const zip = typeof address.postalCode === "string" ? address.postalCode.trim().slice(0, 5) : null;
    const listed = typeof l.listDate === "string" ? Date.parse(l.listDate) : null;
    return (
      wantedStatuses.has(String(mls.status)) &&
      wantedTypes.has(String(property.type)) &&
      oneOf(cities, address.city) &&
      oneOf(states, address.state) &&
      oneOf(counties, (l.geo as Record<string, unknown> | null)?.county) &&
      oneOf(neighborhoods, property.subdivision) &&
      (zips.length === 0 || (zip !== null && zips.includes(zip))) &&
      between(num(l.listPrice), ...price) &&
      between(num(property.bedrooms), ...beds) &&
      between(totalBaths(l), ...baths) &&
      between(num(property.area), ...area) &&
      between(num(property.yearBuilt), ...year) &&
      between(num(mls.daysOnMarket), null, maxDom) &&
      between(listed === null || Number.isNaN(listed) ? null : listed, ...listDate)
    );
  });
}

export async function startFakeSimplyRets(
  feed: Feed,
  credentials = { username: "simplyrets", password: "simplyrets" },
): Promise<FakeSimplyRets> {
  const requests: RecordedRequest[] = [];
  const script: Scripted[] = [];
  const expected = "Basic " + Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  const hanging = new Set<http.ServerResponse>();
  const state: { intercept: FakeSimplyRets["intercept"]; answered: number } = { intercept: undefined, answered: 0 };
  let origin = "";

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    requests.push({ url, authorization: req.headers.authorization, at: Date.now() });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    const next = script.shift() ?? state.intercept?.(url);
    if (next && "hang" in next) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (next) return send(next.status, next.body ?? { error: next.status, message: http.STATUS_CODES[next.status] }, next.headers);

    if (req.headers.authorization !== expected) return send(401, { error: 401, message: "Authentication Required" });
    if (url.pathname !== "/properties") return send(404, { error: 404, message: "Not Found" });
    try {
      const limit = intParam(url, "limit") ?? 20;
      if (limit < 1 || limit > 500) throw new BadRequest("limit must be 1 to 500");
      const lastId = intParam(url, "lastId");
      const offset = intParam(url, "offset") ?? 0;
      if (offset < 0) throw new BadRequest("offset must not be negative");
      const records =
        typeof feed === "function" ? feed({ cities: url.searchParams.getAll("cities"), postalCodes: url.searchParams.getAll("postalCodes") }) : feed;
      let matching = searchFeed(records, url);
      const sort = url.searchParams.get("sort");
      if (lastId !== null || sort === null) {
        matching.sort((a, b) => Number(a.mlsId) - Number(b.mlsId));
        if (lastId !== null) matching = matching.filter((l) => Number(l.mlsId) > lastId);
      } else {
        const key = SORTS[sort.replace(/^-/, "")];
        if (!key) throw new BadRequest(`unknown sort ${sort}`);
        const direction = sort.startsWith("-") ? -1 : 1;
        matching.sort((a, b) => direction * (key(a) - key(b)) || Number(a.mlsId) - Number(b.mlsId));
      }
      const page = matching.slice(offset, offset + limit);
      const headers: Record<string, string> = {};
      if (url.searchParams.get("count") === "true") headers["x-total-count"] = String(matching.length);
      if (page.length === limit) {
        const nextUrl = new URL(url);
        if (lastId !== null || sort === null) nextUrl.searchParams.set("lastId", String(page[page.length - 1].mlsId));
        else nextUrl.searchParams.set("offset", String(offset + limit));
        headers.link = `<${nextUrl.toString()}>; rel="next"`;
      }
      state.answered++;
      send(200, page, headers);
    } catch (error) {
      if (error instanceof BadRequest) return send(400, { error: 400, message: error.message });
      throw error;
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: origin,
    requests,
    script,
    get answered() {
      return state.answered;
    },
    get intercept() {
      return state.intercept;
    },
    set intercept(fn) {
      state.intercept = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
