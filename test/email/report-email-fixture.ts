import type { ReportEmailInput } from "../../src/email/compose-report-email.js";

export const SECRET = "test-unsubscribe-secret-0123456789";
export const ACCOUNT_ID = "3d0c8a52-7f4e-4b1a-9e2d-5c6b7a8f9e01";
export const BASE_URL = "https://reports.example.com";

/** A complete, valid input; tests override what they look at. */
export function reportEmailInput(overrides: Partial<ReportEmailInput> = {}): ReportEmailInput {
  return {
    accountId: ACCOUNT_ID,
    accountName: "Harbor Realty",
    scheduleName: "Monday clients",
    reportTitle: "Market Snapshot",
    area: { city: "San Diego", zips: ["92101", "92103"] },
    period: { start: "2025-11-03T08:00:00Z", end: "2025-11-10T08:00:00Z", timezone: "America/Los_Angeles" },
    headline: [
      { label: "Median sale price", value: "$845,000", change: "+2.4% vs prior period" },
      { label: "Homes sold", value: 1234 },
      { label: "Median days on market", value: "23" },
    ],
    recipient: "Client.One@example.org",
    reportLinkUrl: `${BASE_URL}/r/0b2e7c4d-1111-4222-8333-944455566677?exp=1765000000&sig=${"ab".repeat(32)}`,
    includeAttachment: false,
    baseUrl: BASE_URL,
    unsubscribeSecret: SECRET,
    from: "Market Reports <reports@mail.example.com>",
    ...overrides,
  };
}
