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
    address: textFrom(address.full),
  };
}

/** SimplyRETS's normalized RESO statuses; ActiveUnderContract is under contract, so Pending. */
export function statusFrom(status: string | null): ListingStatus {
  switch (status) {
    case "Active":
      return "Active";
    case "Pending":
    case "ActiveUnderContract":
      return "Pending";
    case "Closed":
      return "Closed";
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

function nonNegativeInteger(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

function textFrom(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  return text === "" ? null : text;
}
