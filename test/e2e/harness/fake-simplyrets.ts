import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Listing } from "../../../src/listings/listing.js";
import { SAMPLE_METROS, sampleListings } from "../../../src/listings/sample-market.js";

export const FAKE_SIMPLYRETS_CREDENTIALS = { username: "e2e-simplyrets", password: "e2e-simplyrets-password" };

export interface FakeSimplyRets {
  baseUrl: string;
  /** Requests answered with listings. */
  answered: number;
  /** Requests held without an answer while hanging (the client's timeout ends them). */
  hung: number;
  /** Requests answered 503 because they asked for the failing ZIP. */
  refused: number;
  /** While on, requests get no answer at all: the connection stays open and silent. */
  setHanging(on: boolean): void;
  /** Every request naming this ZIP is answered 503, until set back to undefined: an outage that outlives any retry. */
  setFailingZip(zip: string | undefined): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * A local SimplyRETS serving the sample market's listings in the API's own shape: GET /properties
 * with Basic auth, repeatable `status`, `postalCodes` and `cities` filters, `minlistdate` /
 * `maxlistdate` on the list date, `limit` (≤ 500) and `lastId` paging in mlsId order — what
 * src/listings/simplyrets-source.ts asks for. Each ZIP's listings are generated once.
 */
export async function startFakeSimplyRets(): Promise<FakeSimplyRets> {
  const expectedAuth =
    "Basic " + Buffer.from(`${FAKE_SIMPLYRETS_CREDENTIALS.username}:${FAKE_SIMPLYRETS_CREDENTIALS.password}`).toString("base64");
  const byZip = new Map<string, Record<string, unknown>[]>();
  const held = new Set<http.ServerResponse>();
  let hanging = false;
  let failingZip: string | undefined;
  const state = { answered: 0, hung: 0, refused: 0 };

  const listingsFor = (zip: string): Record<string, unknown>[] => {
    let rows = byZip.get(zip);
    if (!rows) {
      const to = new Date();
      rows = sampleListings({ city: null, zips: [zip], from: new Date(to.getTime() - 730 * DAY_MS), to })
        .map(toSimplyRets)
        .sort((a, b) => (a.mlsId as number) - (b.mlsId as number));
      byZip.set(zip, rows);
    }
    return rows;
  };

  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (hanging) {
      state.hung++;
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.headers.authorization !== expectedAuth) return send(401, { error: 401, message: "Authentication Required" });
    if (url.pathname !== "/properties") return send(404, { error: 404, message: "Not Found" });
    const limit = Number(url.searchParams.get("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return send(400, { error: 400, message: "limit must be 1 to 500" });

    const statuses = url.searchParams.getAll("status");
    const wanted = new Set(statuses.length > 0 ? statuses : ["Active"]);
    const cities = url.searchParams.getAll("cities").map((c) => c.toLowerCase());
    let zips = url.searchParams.getAll("postalCodes");
    if (failingZip !== undefined && zips.includes(failingZip)) {
      state.refused++;
      return send(503, { error: 503, message: `e2e: listings for ${failingZip} are unavailable` });
    }
    if (zips.length === 0) {
      zips = SAMPLE_METROS.filter((m) => cities.includes(m.city.toLowerCase())).flatMap((m) => m.zips.map((z) => z.zip));
    }
    const min = url.searchParams.has("minlistdate") ? Date.parse(url.searchParams.get("minlistdate")!) : -Infinity;
    const max = url.searchParams.has("maxlistdate") ? Date.parse(url.searchParams.get("maxlistdate")!) : Infinity;
    const lastId = url.searchParams.has("lastId") ? Number(url.searchParams.get("lastId")) : -Infinity;

    const page = zips
      .flatMap(listingsFor)
      .filter((l) => {
        const listDate = Date.parse(l.listDate as string);
        const address = l.address as { city: string };
        return (
          wanted.has((l.mls as { status: string }).status) &&
          (cities.length === 0 || cities.includes(address.city.toLowerCase())) &&
          listDate >= min &&
          listDate <= max &&
          (l.mlsId as number) > lastId
        );
      })
      .sort((a, b) => (a.mlsId as number) - (b.mlsId as number))
      .slice(0, limit);
    state.answered++;
    send(200, page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get answered() {
      return state.answered;
    },
    get hung() {
      return state.hung;
    },
    get refused() {
      return state.refused;
    },
    setHanging(on) {
      hanging = on;
    },
    setFailingZip(zip) {
      failingZip = zip;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** "92101-20213-0" (ZIP, list day, index) → a number that keeps their order, as SimplyRETS ids are. */
function numericMlsId(id: string): number {
  const [zip, day, index] = id.split("-").map(Number);
  return zip * 1e9 + day * 1e3 + index;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function toSimplyRets(l: Listing): Record<string, unknown> {
  return {
    mlsId: numericMlsId(l.mlsId),
    listDate: iso(l.listDate),
    modified: iso(l.modifiedAt),
    listPrice: l.listPrice,
    originalListPrice: l.originalListPrice,
    mls: { status: l.rawStatus ?? l.status, daysOnMarket: l.daysOnMarket },
    sales: { closePrice: l.closePrice, closeDate: iso(l.closeDate), contractDate: iso(l.contractDate) },
    property: { area: l.sqft, type: l.propertyType, bedrooms: l.bedrooms },
    address: { postalCode: l.zip, city: l.city, full: l.address },
  };
}
