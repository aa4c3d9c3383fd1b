import { describe, expect, it } from "vitest";
import { composeReportEmail, MAX_ATTACHMENT_BYTES, periodLabel } from "../../src/email/compose-report-email.js";
import { encodedWords, foldHeaderTokens } from "../../src/email/list-headers.js";
import type { PreparedHeaderValue } from "../../src/email/mail-transport.js";
import { ACCOUNT_ID, reportEmailInput } from "./report-email-fixture.js";

const rawValue = (v: string | PreparedHeaderValue | undefined) => (typeof v === "object" ? v.value : v);
/** Unfolded, as a reader of the header sees it. */
const headerValue = (v: string | PreparedHeaderValue | undefined) => rawValue(v)?.replace(/\r\n /g, " ");

describe("composeReportEmail", () => {
  it("addresses exactly one recipient and builds the subject from schedule, title, area and period", () => {
    const email = composeReportEmail(reportEmailInput());
    expect(email.to).toBe("Client.One@example.org");
    expect(email.subject).toBe("Monday clients: Market Snapshot for San Diego 92101, 92103, Nov 3 – 9, 2025");
  });

  it("does not repeat a schedule name equal to the report title, and shortens long zip lists", () => {
    const email = composeReportEmail(
      reportEmailInput({ scheduleName: "market snapshot", area: { city: "San Diego", zips: ["92101", "92103", "92104", "92105", "92106"] } }),
    );
    expect(email.subject).toBe("Market Snapshot for San Diego 92101, 92103, 92104 +2 more, Nov 3 – 9, 2025");
    expect(email.text).toContain("San Diego 92101, 92103, 92104, 92105, 92106");
  });

  it("shows the headline figures, the account name and the report link in both parts", () => {
    const input = reportEmailInput();
    const email = composeReportEmail(input);
    for (const part of [email.html, email.text]) {
      expect(part).toContain("Harbor Realty");
      expect(part).toContain("Median sale price");
      expect(part).toContain("$845,000");
      expect(part).toContain("+2.4% vs prior period");
      expect(part).toContain("1,234");
    }
    expect(email.text).toContain(input.reportLinkUrl);
    expect(email.html).toContain(`href="${input.reportLinkUrl.replace(/&/g, "&amp;")}"`);
  });

  it("escapes user-supplied strings in the HTML", () => {
    const evil = "<script>alert(1)</script>";
    const email = composeReportEmail(
      reportEmailInput({ scheduleName: `Weekly ${evil}`, accountName: `Evil ${evil} "Co" & 'Sons'`, headline: [{ label: evil, value: evil, change: evil }] }),
    );
    expect(email.html).not.toContain("<script");
    expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(email.html).toContain("Evil &lt;script&gt;alert(1)&lt;/script&gt; &quot;Co&quot; &amp; &#39;Sons&#39;");
    expect(email.text).toContain(`Evil ${evil}`);
  });

  it("uses no remote images and no stylesheet block", () => {
    const { html } = composeReportEmail(reportEmailInput());
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toMatch(/<table role="presentation"/);
  });

  it("attaches the PDF only when asked", () => {
    const pdf = Buffer.from("%PDF-1.4\n%fixture\n");
    expect(composeReportEmail(reportEmailInput({ pdf, includeAttachment: false })).attachments).toEqual([]);
    const attached = composeReportEmail(reportEmailInput({ pdf, includeAttachment: true }));
    expect(attached.attachments).toHaveLength(1);
    expect(attached.attachments[0].contentType).toBe("application/pdf");
    expect(attached.attachments[0].filename).toBe("market-snapshot-san-diego-92101-92103-2025-11-09.pdf");
    expect(attached.attachments[0].content.equals(pdf)).toBe(true);
    expect(attached.text).toContain("attached as a PDF");
  });

  it("attaches a PDF of exactly 10 MB, and sends a larger one as a link only, saying so", () => {
    const atLimit = composeReportEmail(reportEmailInput({ pdf: Buffer.alloc(MAX_ATTACHMENT_BYTES), includeAttachment: true }));
    expect(atLimit.attachments).toHaveLength(1);
    const over = composeReportEmail(reportEmailInput({ pdf: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1), includeAttachment: true }));
    expect(over.attachments).toEqual([]);
    expect(over.text).toContain("was too large to attach");
    expect(over.html).toContain("was too large to attach");
  });

  it("says so when an attachment was asked for but no PDF exists", () => {
    const email = composeReportEmail(reportEmailInput({ includeAttachment: true }));
    expect(email.attachments).toEqual([]);
    expect(email.text).toContain("could not be attached");
  });

  it("sets the list headers as prepared values", () => {
    const email = composeReportEmail(reportEmailInput({ unsubscribeMailto: "unsubscribe@mail.example.com" }));
    const listUnsubscribe = headerValue(email.headers["List-Unsubscribe"])!;
    expect(listUnsubscribe).toMatch(/^<https:\/\/reports\.example\.com\/unsubscribe\?email=client\.one%40example\.org&account=[0-9a-f-]+&kid=[0-9a-f]{8}&token=[0-9a-f]{64}>, <mailto:unsubscribe@mail\.example\.com\?subject=unsubscribe%20[0-9a-f-]+>$/);
    expect(headerValue(email.headers["List-Unsubscribe-Post"])).toBe("List-Unsubscribe=One-Click");
    expect(headerValue(email.headers["List-Id"])).toBe(`Harbor Realty <account-${ACCOUNT_ID}.mail.example.com>`);
  });

  it("falls back to market-reports.local for a From without a real domain", () => {
    const email = composeReportEmail(reportEmailInput({ from: "Market Reports <reports@localhost>" }));
    expect(headerValue(email.headers["List-Id"])).toBe(`Harbor Realty <account-${ACCOUNT_ID}.market-reports.local>`);
  });

  it("quotes or encodes an account name that is not a plain phrase", () => {
    const quoted = composeReportEmail(reportEmailInput({ accountName: 'O\'Neil & "Partners", Inc.' }));
    expect(headerValue(quoted.headers["List-Id"])).toBe(`"O'Neil & \\"Partners\\", Inc." <account-${ACCOUNT_ID}.mail.example.com>`);
    const encoded = composeReportEmail(reportEmailInput({ accountName: "Maison Économique Immobilier du Québec et de Montréal" }));
    const value = rawValue(encoded.headers["List-Id"])!;
    expect(value).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=(\r\n =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)*(\r\n | )<account-/);
    for (const line of value.split("\r\n")) expect(line.length).toBeLessThanOrEqual(78);
  });

  it("rejects bad input naming the field", () => {
    expect(() => composeReportEmail(reportEmailInput({ recipient: "a@example.com, b@example.com" }))).toThrow(/recipient/);
    expect(() => composeReportEmail(reportEmailInput({ recipient: "not-an-address" }))).toThrow(/recipient/);
    expect(() => composeReportEmail(reportEmailInput({ reportLinkUrl: "javascript:alert(1)" }))).toThrow(/reportLinkUrl/);
    expect(() => composeReportEmail(reportEmailInput({ period: { start: "2025-11-03", end: "2025-11-10", timezone: "Mars/Olympus" } }))).toThrow(/period\.timezone/);
    expect(() => composeReportEmail(reportEmailInput({ period: { start: "2025-11-10", end: "2025-11-03", timezone: "UTC" } }))).toThrow(/period\.end/);
    expect(() => composeReportEmail(reportEmailInput({ from: "nobody" }))).toThrow(/from/);
    expect(() => composeReportEmail(reportEmailInput({ unsubscribeMailto: "not an address" }))).toThrow(/unsubscribeMailto/);
  });

  it("keeps line breaks in user strings out of the subject", () => {
    const email = composeReportEmail(reportEmailInput({ scheduleName: "Monday\r\nBcc: victim@example.com" }));
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe("periodLabel", () => {
  it("formats the local dates of a half-open period", () => {
    const la = "America/Los_Angeles";
    expect(periodLabel(new Date("2025-11-03T08:00:00Z"), new Date("2025-11-10T08:00:00Z"), la)).toBe("Nov 3 – 9, 2025");
    expect(periodLabel(new Date("2025-10-27T07:00:00Z"), new Date("2025-11-03T08:00:00Z"), la)).toBe("Oct 27 – Nov 2, 2025");
    expect(periodLabel(new Date("2025-12-29T08:00:00Z"), new Date("2026-01-05T08:00:00Z"), la)).toBe("Dec 29, 2025 – Jan 4, 2026");
    expect(periodLabel(new Date("2025-11-09T08:00:00Z"), new Date("2025-11-10T08:00:00Z"), la)).toBe("Nov 9, 2025");
  });
});

describe("header folding", () => {
  it("folds only between tokens and keeps encoded words within 75 characters", () => {
    const words = encodedWords("Ä".repeat(100));
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    expect(words.map((w) => Buffer.from(w.slice(10, -2), "base64").toString("utf8")).join("")).toBe("Ä".repeat(100));
    const folded = foldHeaderTokens("List-Id", [...words, "<x.example.com>"]);
    expect(folded.replace(/\r\n /g, " ")).toBe([...words, "<x.example.com>"].join(" "));
  });
});
