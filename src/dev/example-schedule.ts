/**
 * The schedule from the product brief — "every Monday 09:00 America/Los_Angeles, a market
 * snapshot of San Diego 92101 and 92103 over the last 30 days" — as a schedules.create input.
 * `npm start` prints it as a ready curl line; the API benchmark creates it.
 */
export const EXAMPLE_SCHEDULE = {
  name: "Weekly Market Snapshot",
  report_type: "market_snapshot",
  city: "San Diego",
  zip_codes: ["92101", "92103"],
  cadence: "weekly",
  weekly_dow: 1,
  send_hour: 9,
  send_minute: 0,
  timezone: "America/Los_Angeles",
  recipients: ["client@example.com"],
} as const;
