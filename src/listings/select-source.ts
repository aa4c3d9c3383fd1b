import { DateTime } from "luxon";
import type { Env } from "../config/env.js";
import { createDedupingListingSource } from "./dedupe-cache.js";
import type { ListingQuery, ListingSource } from "./listing.js";
import { createSampleMarketSource } from "./sample-market.js";
import { createSimplyRetsSource, DEFAULT_MAX_PAGES, SIMPLYRETS_MAX_PAGE_SIZE, SIMPLYRETS_SEARCHES } from "./simplyrets-source.js";

type ListingEnv = Pick<Env, "SIMPLYRETS_USERNAME" | "SIMPLYRETS_PASSWORD" | "SIMPLYRETS_BASE_URL" | "SIMPLYRETS_VENDOR">;

/**
 * SimplyRETS when credentials are configured, else the built-in sample market; either way
 * wrapped so identical requests within the process are fetched once.
 */
export function createListingSource(env: ListingEnv): ListingSource {
  const inner =
    env.SIMPLYRETS_USERNAME && env.SIMPLYRETS_PASSWORD
      ? createSimplyRetsSource({
          baseUrl: env.SIMPLYRETS_BASE_URL ?? "https://api.simplyrets.com",
          username: env.SIMPLYRETS_USERNAME,
          password: env.SIMPLYRETS_PASSWORD,
          ...(env.SIMPLYRETS_VENDOR ? { vendor: env.SIMPLYRETS_VENDOR } : {}),
        })
      : createSampleMarketSource();
  return createDedupingListingSource(inner);
}

/**
 * What a source is asked for, in the methodology's words: exactly what each source's fetch does
 * (kept beside the sources' own constants so the two cannot drift).
 */
export function describeListingFetch(name: string, query: Pick<ListingQuery, "from">, timezone: string): string {
  const since = DateTime.fromJSDate(query.from, { zone: timezone }).toFormat("LLL d, yyyy HH:mm");
  switch (name) {
    case "simplyrets":
      return (
        `Requested for the area and filters: every ${SIMPLYRETS_SEARCHES.current.join(", ")} listing, whatever its list date ` +
        `(the API can bound dates by list date only, so no date bound is applied and a sale listed years before it closed is still fetched), ` +
        `and ${SIMPLYRETS_SEARCHES.offMarket.join(", ")} listings listed since ${since}. Coming-soon, deleted and incomplete records are not requested. ` +
        `Pages hold ${SIMPLYRETS_MAX_PAGE_SIZE} listings; a search needing more than ${DEFAULT_MAX_PAGES} pages fails the report rather than leave listings out.`
      );
    case "sample-market":
      return `Generated for the area and filters: every synthetic listing listed since ${since}, still for sale or under contract, or sold or taken off the market since then.`;
    default:
      return `Requested from ${name} for the area and filters, from ${since}.`;
  }
}

/** How a report names its data source in the methodology footer. */
export function describeListingSource(name: string): string {
  switch (name) {
    case "simplyrets":
      return "MLS listing data via SimplyRETS";
    case "sample-market":
      return "Built-in sample market (synthetic listings for demonstration, not real sales)";
    default:
      return name;
  }
}
