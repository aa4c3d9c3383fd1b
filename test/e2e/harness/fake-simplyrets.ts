import type { Listing } from "../../../src/listings/listing.js";
import { SAMPLE_METROS, sampleListings } from "../../../src/listings/sample-market.js";
import { startFakeSimplyRets as startSimplyRetsServer } from "../../support/simplyrets-server.js";

export const FAKE_SIMPLYRETS_CREDENTIALS = { username: "e2e-simplyrets", password: "e2e-simplyrets-password" };

export interface FakeSimplyRets {
  baseUrl: string;
  /** Requests answered with listings. */
  readonly answered: number;
  /** Requests held without an answer while hanging (the client's timeout ends them). */
  readonly hung: number;
  /** Requests answered 503 because they asked for the failing ZIP. */
  readonly refused: number;
  /** While on, requests get no answer at all: the connection stays open and silent. */
  setHanging(on: boolean): void;
  /** Every request naming this ZIP is answered 503, until set back to undefined: an outage that outlives any retry. */
  setFailingZip(zip: string | undefined): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * The test suite's one SimplyRETS server (test/support/simplyrets-server.ts) serving the sample
 * market's listings in the API's own shape, plus the two faults the e2e scenarios drive: hanging
 * and one ZIP refused. Each ZIP's listings are generated once; a city without ZIPs means its
 * metro's ZIPs.
 */
export async function startFakeSimplyRets(): Promise<FakeSimplyRets> {
  const byZip = new Map<string, Record<string, unknown>[]>();
  let hanging = false;
  let failingZip: string | undefined;
  const counts = { hung: 0, refused: 0 };

  const listingsFor = (zip: string): Record<string, unknown>[] => {
    let rows = byZip.get(zip);
    if (!rows) {
      const to = new Date();
      rows = sampleListings({ city: null, zips: [zip], from: new Date(to.getTime() - 730 * DAY_MS), to }).map(toSimplyRets);
      byZip.set(zip, rows);
    }
    return rows;
  };

  const server = await startSimplyRetsServer(({ cities, postalCodes }) => {
    const wanted = cities.map((c) => c.trim().toLowerCase());
    const zips =
      postalCodes.length > 0
        ? postalCodes
        : SAMPLE_METROS.filter((m) => wanted.includes(m.city.toLowerCase())).flatMap((m) => m.zips.map((z) => z.zip));
    return zips.flatMap(listingsFor);
  }, FAKE_SIMPLYRETS_CREDENTIALS);
  server.intercept = (url) => {
    if (hanging) {
      counts.hung++;
      return { hang: true };
    }
    if (failingZip !== undefined && url.searchParams.getAll("postalCodes").includes(failingZip)) {
      counts.refused++;
      return { status: 503, body: { error: 503, message: `e2e: listings for ${failingZip} are unavailable` } };
    }
    return undefined;
  };

  return {
    baseUrl: server.baseUrl,
    get answered() {
      return server.answered;
    },
    get hung() {
      return counts.hung;
    },
    get refused() {
      return counts.refused;
    },
    setHanging(on) {
      hanging = on;
    },
    setFailingZip(zip) {
      failingZip = zip;
    },
    close: () => server.close(),
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
    property: { area: l.sqft, type: l.propertyType, bedrooms: l.bedrooms, bathrooms: l.bathrooms, yearBuilt: l.yearBuilt },
    address: { postalCode: l.zip, city: l.city, full: l.address },
  };
}
