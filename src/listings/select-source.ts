import type { Env } from "../config/env.js";
import { createDedupingListingSource } from "./dedupe-cache.js";
import type { ListingSource } from "./listing.js";
import { createSampleMarketSource } from "./sample-market.js";
import { createSimplyRetsSource } from "./simplyrets-source.js";

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
