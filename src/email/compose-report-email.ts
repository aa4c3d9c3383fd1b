import { oneLine } from "./one-line.js";
import { DateTime } from "luxon";
import addressparser from "nodemailer/lib/addressparser";
import * as z from "zod";
import { formatDateRange } from "../render/format-figures.js";
import { isValidTimeZone } from "../time/next-run-at.js";
import { unsubscribeUrl } from "../unsubscribe/token.js";
import { listIdDomain, listIdHeader, listUnsubscribeHeaders, unsubscribeMailtoUri } from "./list-headers.js";
import type { EmailAttachment, OutgoingEmail } from "./mail-transport.js";
import { renderReportEmailHtml, renderReportEmailText, type AttachmentNote } from "./report-email-body.js";

/** Larger PDFs go as a link only: many mailbox providers refuse messages much above this once base64 adds a third. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/;

const text = (field: string) => z.string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) });
const httpUrl = (field: string) =>
  text(field).refine(
    (v) => {
      try {
        return ["http:", "https:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `${field} must be an absolute http(s) URL` },
  );
const instant = (field: string) =>
  z.union([z.date(), z.string()]).transform((v, ctx) => {
    const d = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `${field} must be a date or ISO-8601 timestamp` });
      return z.NEVER;
    }
    return d;
  });

const inputSchema = z
  .object({
    accountId: text("accountId").regex(/^[A-Za-z0-9-]+$/, "accountId must contain only letters, digits and '-'"),
    accountName: text("accountName").trim().min(1, "accountName must not be empty"),
    scheduleName: text("scheduleName").trim().min(1, "scheduleName must not be empty"),
    reportTitle: text("reportTitle").trim().min(1, "reportTitle must not be empty"),
    area: z.object({
      city: z.string().nullable().optional(),
      zips: z.array(z.string()).default([]),
    }),
    period: z
      .object({
        start: instant("period.start"),
        end: instant("period.end"),
        timezone: text("period.timezone").refine(isValidTimeZone, "period.timezone must be an IANA time zone"),
      })
      .refine((p) => p.end.getTime() > p.start.getTime(), "period.end must be after period.start"),
    headline: z
      .array(
        z.object({
          label: text("headline[].label"),
          value: z.union([z.string(), z.number()]),
          change: z.string().optional(),
        }),
      )
      .default([]),
    recipient: text("recipient")
      .trim()
      .refine((v) => SINGLE_ADDRESS.test(v), "recipient must be exactly one bare email address"),
    reportLinkUrl: httpUrl("reportLinkUrl"),
    linkExpiresAt: z.date().optional(),
    pdf: z.instanceof(Buffer).optional(),
    includeAttachment: z.boolean({ error: "includeAttachment is required" }),
    baseUrl: httpUrl("baseUrl"),
    unsubscribeSecret: text("unsubscribeSecret").min(1, "unsubscribeSecret must not be empty"),
    from: text("from").min(1, "from must not be empty"),
    replyTo: z.string().optional(),
    unsubscribeMailto: z.string().optional(),
  })
  .strict();

export interface HeadlineFigure {
  label: string;
  /** Already formatted ("$1,250,000", "23 days"); a number is shown with thousands separators. */
  value: string | number;
  /** Already formatted, e.g. "+4.2% vs prior period". */
  change?: string;
}

export interface ReportEmailInput {
  accountId: string;
  accountName: string;
  scheduleName: string;
  reportTitle: string;
  area: { city?: string | null; zips: string[] };
  /** The period covered, `end` exclusive (the instant it stops), shown as dates in `timezone`. */
  period: { start: Date | string; end: Date | string; timezone: string };
  headline: HeadlineFigure[];
  /** Exactly one address: every recipient gets their own message and unsubscribe link. */
  recipient: string;
  /** The signed `/r/<report id>` link (see signReportLink). */
  reportLinkUrl: string;
  /** When the report link stops working; said in the email when given. */
  linkExpiresAt?: Date;
  pdf?: Buffer;
  includeAttachment: boolean;
  /** PUBLIC_BASE_URL, where `/unsubscribe` is served. */
  baseUrl: string;
  unsubscribeSecret: string;
  /** EMAIL_FROM. */
  from: string;
  /** EMAIL_REPLY_TO. */
  replyTo?: string;
  /** EMAIL_UNSUBSCRIBE_MAILTO: an address or a mailto: URI, added to List-Unsubscribe. */
  unsubscribeMailto?: string;
}

function areaLabels(city: string | null | undefined, zips: string[]): { full: string; short: string } {
  const place = city ? oneLine(city) : "";
  const codes = zips.map(oneLine).filter((z) => z !== "");
  const join = (list: string[]) => (place && list.length ? `${place} ${list.join(", ")}` : place || (list.length ? `ZIP ${list.join(", ")}` : ""));
  const full = join(codes) || "All areas";
  const short = codes.length > 3 ? `${join(codes.slice(0, 3))} +${codes.length - 3} more` : full;
  return { full, short };
}

/** "Nov 3 – 9, 2025", "Oct 27 – Nov 2, 2025", "Dec 29, 2025 – Jan 4, 2026", "Nov 9, 2025": the report's own period label. */
export const periodLabel = formatDateRange;

function slug(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
}

function fromAddress(from: string): string {
  const parsed = addressparser(from, { flatten: true });
  const address = parsed.length === 1 ? parsed[0].address : undefined;
  if (!address || !address.includes("@")) throw new Error(`composeReportEmail: from must be one address such as "Reports <reports@example.com>", got ${JSON.stringify(from)}`);
  return address;
}

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/**
 * One email for one recipient of a finished report. Pure: nothing is sent or logged here, so the
 * worker can compose for each recipient just before sending.
 */
export function composeReportEmail(raw: ReportEmailInput): OutgoingEmail {
  const result = inputSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`composeReportEmail: ${result.error.issues.map((i) => i.message).join("; ")}`);
  }
  const input = result.data;
  const sender = fromAddress(input.from);
  const accountName = oneLine(input.accountName);
  const scheduleName = oneLine(input.scheduleName);
  const reportTitle = oneLine(input.reportTitle);
  const area = areaLabels(input.area.city, input.area.zips);
  const period = periodLabel(input.period.start, input.period.end, input.period.timezone);
  const unsubscribe = unsubscribeUrl(input.baseUrl, input.unsubscribeSecret, input.recipient, input.accountId);

  const attachments: EmailAttachment[] = [];
  let attachment: AttachmentNote = { kind: "none" };
  if (input.includeAttachment) {
    if (input.pdf === undefined || input.pdf.length === 0) {
      attachment = { kind: "unavailable" };
    } else if (input.pdf.length > MAX_ATTACHMENT_BYTES) {
      attachment = {
        kind: "too-large",
        sizeMb: (input.pdf.length / (1024 * 1024)).toFixed(1),
        limitMb: String(MAX_ATTACHMENT_BYTES / (1024 * 1024)),
      };
    } else {
      const endDate = DateTime.fromJSDate(new Date(input.period.end.getTime() - 1), { zone: input.period.timezone }).toISODate();
      const filename = `${[slug(reportTitle), slug(area.full), endDate].filter(Boolean).join("-")}.pdf`;
      attachments.push({ filename, content: input.pdf, contentType: "application/pdf" });
      attachment = { kind: "attached", filename };
    }
  }

  const body = {
    accountName,
    scheduleName,
    reportTitle,
    areaLabel: area.full,
    periodLabel: period,
    headline: input.headline.map((h) => ({
      label: oneLine(h.label),
      value: typeof h.value === "number" ? numberFormat.format(h.value) : oneLine(h.value),
      change: h.change === undefined ? undefined : oneLine(h.change),
    })),
    recipient: input.recipient,
    reportLinkUrl: input.reportLinkUrl,
    linkValidUntil:
      input.linkExpiresAt === undefined
        ? undefined
        : DateTime.fromJSDate(input.linkExpiresAt, { zone: input.period.timezone }).toFormat("LLL d, yyyy"),
    attachment,
    unsubscribeUrl: unsubscribe,
  };

  const subjectLead = scheduleName.toLowerCase() === reportTitle.toLowerCase() ? reportTitle : `${scheduleName}: ${reportTitle}`;
  const mailto = input.unsubscribeMailto?.trim() ? unsubscribeMailtoUri(input.unsubscribeMailto, input.accountId) : undefined;

  return {
    from: input.from,
    to: input.recipient,
    replyTo: input.replyTo?.trim() ? input.replyTo.trim() : undefined,
    subject: `${subjectLead} for ${area.short}, ${period}`,
    text: renderReportEmailText(body),
    html: renderReportEmailHtml(body),
    headers: {
      ...listUnsubscribeHeaders(unsubscribe, mailto),
      "List-Id": listIdHeader(accountName, input.accountId, listIdDomain(sender)),
    },
    attachments,
  };
}
