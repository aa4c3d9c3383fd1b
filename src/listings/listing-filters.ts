import * as z from "zod";
import { typeRule } from "../validation/field-rules.js";

/**
 * A schedule's filters: the MLS-search criteria users expect. The one definition of what each
 * filter means; it is sent to SimplyRETS where the API supports it, and applied again to every
 * record any source returns (the sample market included), so a listing counts only when its own
 * record meets every filter.
 */
export const PROPERTY_TYPES = ["residential", "condominium", "multifamily", "land", "mobilehome", "farm"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Homes: what a report covers when the schedule names no property type. */
export const DEFAULT_PROPERTY_TYPES: readonly PropertyType[] = ["residential", "condominium"];

/**
 * Every bound is inclusive. Price: the listing's asking (list) price in US dollars. Baths: total
 * bathrooms, a half bath counting 0.5. Sq ft: living area.
 */
export interface ReportFilters {
  readonly property_types?: readonly PropertyType[];
  readonly min_price?: number;
  readonly max_price?: number;
  readonly min_beds?: number;
  readonly min_baths?: number;
  readonly min_sqft?: number;
  readonly max_sqft?: number;
  readonly min_year_built?: number;
  readonly max_year_built?: number;
}

const wholeNumber = (min: number, max: number, what: string) => {
  const rule = `must be a whole number of ${what} from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;
  return z.number(typeRule(rule)).int(rule).min(min, rule).max(max, rule).optional();
};
const BATHS_RULE = "must be a number of bathrooms from 0 to 20 in steps of 0.5";
const YEAR_RULE = "must be a year from 1600 to 2100";

/**
 * The filters as the API accepts and the job message carries them: every key optional, unknown
 * keys rejected by name, each lower bound no higher than its upper bound.
 */
export const reportFiltersSchema = z
  .strictObject({
    property_types: z
      .array(z.enum(PROPERTY_TYPES, typeRule(`must be one of ${PROPERTY_TYPES.join(", ")}`)), typeRule("must be a list of property types"))
      .min(1, "must name at least one property type (leave it out for the default)")
      .transform((types) => [...new Set(types)])
      .optional(),
    min_price: wholeNumber(0, 1_000_000_000, "dollars"),
    max_price: wholeNumber(0, 1_000_000_000, "dollars"),
    min_beds: wholeNumber(0, 20, "bedrooms"),
    min_baths: z.number(typeRule(BATHS_RULE)).min(0, BATHS_RULE).max(20, BATHS_RULE).multipleOf(0.5, BATHS_RULE).optional(),
    min_sqft: wholeNumber(0, 100_000, "square feet"),
    max_sqft: wholeNumber(0, 100_000, "square feet"),
    min_year_built: z.number(typeRule(YEAR_RULE)).int(YEAR_RULE).min(1600, YEAR_RULE).max(2100, YEAR_RULE).optional(),
    max_year_built: z.number(typeRule(YEAR_RULE)).int(YEAR_RULE).min(1600, YEAR_RULE).max(2100, YEAR_RULE).optional(),
  }, typeRule("must be an object of filters"))
  .superRefine((f, ctx) => {
    for (const [min, max] of [
      ["min_price", "max_price"],
      ["min_sqft", "max_sqft"],
      ["min_year_built", "max_year_built"],
    ] as const) {
      const low = f[min];
      const high = f[max];
      if (low !== undefined && high !== undefined && low > high) {
        ctx.addIssue({ code: "custom", path: [min], message: `must not be more than ${max} (${high})` });
      }
    }
  });

export const FILTER_KEYS = [
  "property_types",
  "min_price",
  "max_price",
  "min_beds",
  "min_baths",
  "min_sqft",
  "max_sqft",
  "min_year_built",
  "max_year_built",
] as const satisfies readonly (keyof ReportFilters)[];

/** The feed's abbreviated `property.type` for each type (SimplyRETS documents no code for mobile homes; MOB is ours). */
export const PROPERTY_TYPE_CODES: Readonly<Record<PropertyType, string>> = {
  residential: "RES",
  condominium: "CND",
  multifamily: "MLF",
  land: "LND",
  mobilehome: "MOB",
  farm: "FRM",
};

/** Codes that are never a home sale, whatever the filters: rentals, commercial, commercial leases. */
export const NEVER_COVERED_TYPE_CODES: readonly string[] = ["RNT", "CRE", "CLE"];

export const NO_FILTERS: ReportFilters = {};

export function chosenPropertyTypes(filters: ReportFilters = NO_FILTERS): readonly PropertyType[] {
  return filters.property_types && filters.property_types.length > 0 ? filters.property_types : DEFAULT_PROPERTY_TYPES;
}

/**
 * The fields of a listing (listing.ts) the filters read. Named here rather than imported, so that
 * listing.ts can name the filters in its query without the two files importing each other.
 */
export interface FilterableListing {
  readonly propertyType: string | null;
  readonly listPrice: number | null;
  readonly bedrooms: number | null;
  readonly bathrooms: number | null;
  readonly sqft: number | null;
  readonly yearBuilt: number | null;
}

/**
 * Whether a record's type is one the report covers. A code we know (the six types, rentals,
 * commercial) must be one of the chosen types; a missing or unrecognised code is kept, because
 * the source already selected by type (SimplyRETS's `type` parameter).
 */
export function coversPropertyType(listing: Pick<FilterableListing, "propertyType">, filters: ReportFilters = NO_FILTERS): boolean {
  const code = listing.propertyType?.trim().toUpperCase() ?? null;
  if (code === null) return true;
  if (NEVER_COVERED_TYPE_CODES.includes(code)) return false;
  const known = (Object.entries(PROPERTY_TYPE_CODES) as [PropertyType, string][]).find(([, c]) => c === code);
  return known === undefined || chosenPropertyTypes(filters).includes(known[0]);
}

/**
 * Whether a record meets the price, size, bedroom, bathroom and year filters. A record missing a
 * field that a filter is set on does not meet it: nothing shows it qualifies.
 */
export function meetsFilters(listing: FilterableListing, filters: ReportFilters = NO_FILTERS): boolean {
  return (
    within(listing.listPrice, filters.min_price, filters.max_price) &&
    within(listing.bedrooms, filters.min_beds, undefined) &&
    within(listing.bathrooms, filters.min_baths, undefined) &&
    within(listing.sqft, filters.min_sqft, filters.max_sqft) &&
    within(listing.yearBuilt, filters.min_year_built, filters.max_year_built)
  );
}

function within(value: number | null, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  if (value === null) return false;
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/**
 * The filters as SimplyRETS query parameters. `minbaths` takes whole numbers, so a half-bath
 * minimum is sent rounded down and the exact rule is applied to the records that come back.
 */
export function simplyRetsFilterParams(filters: ReportFilters = NO_FILTERS): [string, string][] {
  const params: [string, string][] = chosenPropertyTypes(filters).map((type) => ["type", type]);
  const add = (name: string, value: number | undefined) => {
    if (value !== undefined) params.push([name, String(value)]);
  };
  add("minprice", filters.min_price);
  add("maxprice", filters.max_price);
  add("minbeds", filters.min_beds);
  add("minbaths", filters.min_baths === undefined ? undefined : Math.floor(filters.min_baths));
  add("minarea", filters.min_sqft);
  add("maxarea", filters.max_sqft);
  add("minyear", filters.min_year_built);
  add("maxyear", filters.max_year_built);
  return params;
}

/** Same filters, same key: property types as a set, keys in a fixed order. */
export function filtersKey(filters: ReportFilters = NO_FILTERS): string {
  return JSON.stringify(
    FILTER_KEYS.map((key) => (key === "property_types" ? [...chosenPropertyTypes(filters)].sort() : (filters[key] ?? null))),
  );
}
