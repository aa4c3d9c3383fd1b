import { chosenPropertyTypes, DEFAULT_PROPERTY_TYPES, type PropertyType, type ReportFilters } from "../listings/listing-filters.js";
import { formatCompactCurrency, formatCount, formatCurrency } from "./format-figures.js";

const TYPE_NAMES: Readonly<Record<PropertyType, string>> = {
  residential: "single-family homes",
  condominium: "condos",
  multifamily: "multi-family",
  land: "land",
  mobilehome: "mobile homes",
  farm: "farms",
};

/** "Condos", "Single-family homes and condos", "Condos, land and farms". */
export function describePropertyTypes(filters: ReportFilters): string {
  const names = chosenPropertyTypes(filters).map((type) => TYPE_NAMES[type]);
  const text = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function range(min: number | undefined, max: number | undefined, format: (n: number) => string, unit = ""): string | null {
  if (min !== undefined && max !== undefined) return `${format(min)}\u2013${format(max)}${unit}`;
  if (min !== undefined) return `${format(min)}+${unit}`;
  if (max !== undefined) return `up to ${format(max)}${unit}`;
  return null;
}

function years(min: number | undefined, max: number | undefined): string | null {
  if (min !== undefined && max !== undefined) return `built ${min}\u2013${max}`;
  if (min !== undefined) return `built ${min} or later`;
  if (max !== undefined) return `built ${max} or earlier`;
  return null;
}

const plain = (n: number) => String(n);

/** The header's one line: "Condos, $500K–$1M, 2+ beds". */
export function describeFilters(filters: ReportFilters): string {
  const parts = [
    describePropertyTypes(filters),
    range(filters.min_price, filters.max_price, formatCompactCurrency),
    filters.min_beds === undefined ? null : `${filters.min_beds}+ beds`,
    filters.min_baths === undefined ? null : `${filters.min_baths}+ baths`,
    range(filters.min_sqft, filters.max_sqft, formatCount, " sq ft"),
    years(filters.min_year_built, filters.max_year_built),
  ];
  return parts.filter((part): part is string => part !== null).join(", ");
}

function between(min: number | undefined, max: number | undefined, format: (n: number) => string): string | null {
  if (min !== undefined && max !== undefined) return `from ${format(min)} to ${format(max)}`;
  if (min !== undefined) return `${format(min)} or more`;
  if (max !== undefined) return `${format(max)} or less`;
  return null;
}

/** The methodology's full statement of the filters, every bound inclusive and spelled out. */
export function describeFiltersInFull(filters: ReportFilters): string {
  const isDefault = chosenPropertyTypes(filters) === DEFAULT_PROPERTY_TYPES;
  const types = `${describePropertyTypes(filters)}${
    isDefault ? " (the default; a schedule can choose multi-family, land, mobile homes or farms instead or as well)" : ""
  }`;
  const rules = [
    ["list (asking) price", between(filters.min_price, filters.max_price, formatCurrency)],
    ["bedrooms", between(filters.min_beds, undefined, plain)],
    ["bathrooms (half baths count ½, three-quarter baths ¾)", between(filters.min_baths, undefined, plain)],
    ["living area in sq ft", between(filters.min_sqft, filters.max_sqft, formatCount)],
    ["year built", between(filters.min_year_built, filters.max_year_built, plain)],
  ]
    .filter((rule): rule is [string, string] => rule[1] !== null)
    .map(([field, bound]) => `${field} ${bound}`);
  return rules.length === 0 ? `${types}; no other filters.` : `${types}; ${rules.join("; ")}.`;
}
