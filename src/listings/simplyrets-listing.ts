import { normalizeZip, type Listing, type ListingStatus } from "./listing.js";

/**
 * Maps one SimplyRETS `Listing` object (see reference/simplyrets-openapi.yaml) to our Listing.
 * Real and trial feeds are messy, so every field is read defensively: a wrong type or an invalid
 * value becomes null instead of an exception. Returns null only when the record has no id at all.
 */
export function normalizeSimplyRetsListing(raw: unknown): Listing | null {
  if (!isRecord(raw)) return null;
  const mlsId = raw.mlsId;
  if (typeof mlsId !== "number" && typeof mlsId !== "string") return null;
  if (String(mlsId).trim() === "") return null;

  const property = isRecord(raw.property) ? raw.property : {};
  const mls = isRecord(raw.mls) ? raw.mls : {};
  const sales = isRecord(raw.sales) ? raw.sales : {};
  const address = isRecord(raw.address) ? raw.address : {};
  const rawStatus = typeof mls.status === "string" ? mls.status : null;

  return {
    mlsId: String(mlsId).trim(),
    status: statusFrom(rawStatus),
    rawStatus,
    listDate: dateFrom(raw.listDate),
    contractDate: dateFrom(sales.contractDate),
    closeDate: dateFrom(sales.closeDate),
    modifiedAt: dateFrom(raw.modified),
    listPrice: positiveNumber(raw.listPrice),
    originalListPrice: positiveNumber(raw.originalListPrice),
    closePrice: positiveNumber(sales.closePrice),
    sqft: positiveNumber(property.area),
    zip: normalizeZip(address.postalCode),
    city: textFrom(address.city),
    daysOnMarket: nonNegativeInteger(mls.daysOnMarket),
    propertyType: textFrom(property.type),
    bedrooms: nonNegativeInteger(property.bedrooms),
    bathrooms: bathroomsFrom(property),
    yearBuilt: yearFrom(property.yearBuilt),
    address: textFrom(address.full),
  };
}

/**
 * The feed's total `bathrooms` when it is a number; otherwise full baths plus ½ per half bath and
 * ¾ per three-quarter bath, when the full count is known (the trial feed gives only these).
 */
function bathroomsFrom(property: Record<string, unknown>): number | null {
  const total = nonNegativeNumber(property.bathrooms);
  if (total !== null) return total;
  const full = nonNegativeNumber(property.bathsFull);
  if (full === null) return null;
  return full + 0.5 * (nonNegativeNumber(property.bathsHalf) ?? 0) + 0.75 * (nonNegativeNumber(property.bathsThreeQuarter) ?? 0);
}

/** A plausible construction year, else null (feeds use 0 and 9999 for unknown). */
function yearFrom(value: unknown): number | null {
  const year = nonNegativeInteger(value);
  return year !== null && year >= 1600 && year <= 2200 ? year : null;
}

/**
 * SimplyRETS's normalized RESO statuses; ActiveUnderContract is under contract, so Pending. Hold,
 * Withdrawn, Expired and unknown words are Other (off the market, unsold).
 */
export function statusFrom(status: string | null): ListingStatus {
  switch (status) {
    case "Active":
      return "Active";
    case "Pending":
    case "ActiveUnderContract":
      return "Pending";
    case "Closed":
      return "Closed";
    case "ComingSoon":
    case "Delete":
    case "Incomplete":
      return "NotListed";
    default:
      return "Other";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function dateFrom(value: unknown): Date | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function positiveNumber(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : null;
}

function nonNegativeNumber(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : null;
}

function nonNegativeInteger(value: unknown): number | null {
  const n = nonNegativeNumber(value);
  return n === null ? null : Math.round(n);
}

function textFrom(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  return text === "" ? null : text;
}
