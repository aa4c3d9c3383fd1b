/**
 * How messy records are counted. Real feeds carry close dates before list dates, active listings
 * with an old sale attached, missing living areas and unknown original prices; none of that may
 * crash a report or silently skew it. Each rule is applied by computeMarketFigures, counted over
 * the records that fall in the report's two windows, and printed in the methodology in these words.
 */
export const EXCLUSION_RULES = [
  {
    id: "not_listed_status",
    description:
      "Coming-soon, deleted and incomplete records are not requested and never counted: they are not listings that were on the market.",
  },
  {
    id: "property_type_not_covered",
    description:
      "Listings of a property type the report does not cover are left out; rentals, leases and commercial listings (types RNT, CLE, CRE) never count. A record with no type code, or one we do not know, is kept: the data source was already asked for the report's types.",
  },
  {
    id: "outside_filters",
    description:
      "Listings whose own record does not meet the report's filters are left out, including records missing a field a filter is set on.",
  },
  {
    id: "outside_area",
    description:
      "Listings outside the report's area are left out: a record whose city is not the report's city (compared ignoring case and surrounding spaces), or whose ZIP code (ZIP+4 read as its five digits) is not one of the report's ZIP codes.",
  },
  {
    id: "listed_after_as_of",
    description: "Listings whose list date is after the report's as-of time are left out as data-entry errors.",
  },
  {
    id: "missing_list_date",
    description:
      "Listings without a list date count as pendings and sales by their contract and close dates, but not as new listings, inventory or in days on market.",
  },
  {
    id: "stale_sales_data",
    description:
      "Listings that are not sold but still carry a close date or price, and active, held, withdrawn and expired listings that carry a contract date (left from an earlier sale or contract), are treated by their current status; those dates and prices are ignored.",
  },
  {
    id: "closed_without_close_date",
    description: "Sold listings without a close date cannot be placed in a period and are left out of sales.",
  },
  {
    id: "missing_close_price",
    description: "Sales without a close price count as sales but are left out of price, volume and ratio figures.",
  },
  {
    id: "implausible_close_price",
    description:
      "Sales whose close price is under half or over twice the list price are treated as entry errors: they count as sales but are left out of price, volume and ratio figures.",
  },
  {
    id: "missing_list_price",
    description: "Listings without a list price are left out of list-price figures and sale-to-list ratios.",
  },
  {
    id: "missing_original_list_price",
    description: "The sale-to-original-list ratio uses only sales whose original list price is known.",
  },
  {
    id: "missing_sqft",
    description: "Sales without a living area are left out of price per square foot.",
  },
  {
    id: "close_before_list",
    description:
      "Sales whose days on market would end before their list date (the contract date, or the close date when there is no contract date) count as sales but are left out of days on market.",
  },
  {
    id: "missing_contract_date",
    description:
      "Pending and sold listings without a contract date are not counted as new pendings, and a sale's days on market then run to its close date; a pending one counts as under contract (not for sale) at both period ends, a sold one as for sale until it closed.",
  },
  {
    id: "off_market_status",
    description:
      "Held, withdrawn and expired listings count as new listings when listed, but never as inventory: the feed does not say when they left the market.",
  },
  {
    id: "missing_zip",
    description: "Listings without a ZIP code count in the area totals but in no ZIP row.",
  },
] as const;

export type ExclusionRuleId = (typeof EXCLUSION_RULES)[number]["id"];
