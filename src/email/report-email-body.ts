import { escapeHtml } from "../render/escape-html.js";

/**
 * The report email's HTML and plain-text parts. The HTML is the dull, durable kind that Gmail and
 * Outlook (Word's renderer) both draw the same: nested tables with fixed widths, every style
 * inline, bgcolor attributes as well as CSS backgrounds, no remote images, no web fonts, no
 * <style> block to be stripped. Every string that came from a user is escaped.
 */

export interface HeadlineRow {
  label: string;
  value: string;
  change?: string;
}

export type AttachmentNote =
  | { kind: "attached"; filename: string }
  | { kind: "too-large"; sizeMb: string; limitMb: string }
  | { kind: "unavailable" }
  | { kind: "none" };

export interface ReportEmailBody {
  accountName: string;
  scheduleName: string;
  reportTitle: string;
  areaLabel: string;
  periodLabel: string;
  headline: HeadlineRow[];
  recipient: string;
  reportLinkUrl: string;
  linkValidUntil?: string;
  attachment: AttachmentNote;
  unsubscribeUrl: string;
}


const FONT = "font-family:Arial,Helvetica,sans-serif;";
const INK = "#1f2933";
const MUTED = "#52606d";
const ACCENT = "#1d4f91";

function attachmentSentence(note: AttachmentNote): string | undefined {
  switch (note.kind) {
    case "attached":
      return `The report is attached as a PDF (${note.filename}).`;
    case "too-large":
      return `The PDF (${note.sizeMb} MB) was too large to attach (the limit is ${note.limitMb} MB); open it with the link above.`;
    case "unavailable":
      return "A PDF could not be attached to this email; open the report with the link above.";
    case "none":
      return undefined;
  }
}

function footerSentence(b: ReportEmailBody): string {
  return `You receive this email because ${b.accountName} added ${b.recipient} to the report schedule "${b.scheduleName}".`;
}

export function renderReportEmailHtml(b: ReportEmailBody): string {
  const e = escapeHtml;
  const headlineRows = b.headline
    .map(
      (row) => `
              <tr>
                <td style="${FONT}font-size:14px;color:${MUTED};padding:10px 0;border-bottom:1px solid #e4e7eb;">${e(row.label)}</td>
                <td align="right" style="${FONT}font-size:18px;font-weight:bold;color:${INK};padding:10px 0 10px 12px;border-bottom:1px solid #e4e7eb;">${e(row.value)}</td>
                <td align="right" style="${FONT}font-size:13px;color:${MUTED};padding:10px 0 10px 12px;border-bottom:1px solid #e4e7eb;white-space:nowrap;">${row.change === undefined ? "&nbsp;" : e(row.change)}</td>
              </tr>`,
    )
    .join("");
  const headlineTable =
    b.headline.length === 0
      ? ""
      : `
          <tr>
            <td style="padding:8px 32px 8px 32px;">
              <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">${headlineRows}
              </table>
            </td>
          </tr>`;
  const attachment = attachmentSentence(b.attachment);
  const validity = b.linkValidUntil === undefined ? "" : ` This link works until ${e(b.linkValidUntil)}.`;
  const preheader = `${b.reportTitle}, ${b.areaLabel}, ${b.periodLabel}`;

  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<meta name="x-apple-disable-message-reformatting" />
<title>${e(b.reportTitle)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f0f2f5;">
  <div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${e(preheader)}</div>
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f0f2f5" style="background-color:#f0f2f5;">
    <tr>
      <td align="center" style="padding:24px 12px;">
        <table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:600px;max-width:600px;background-color:#ffffff;border:1px solid #d9dee4;">
          <tr>
            <td bgcolor="${ACCENT}" style="background-color:${ACCENT};padding:18px 32px;${FONT}font-size:16px;font-weight:bold;color:#ffffff;">${e(b.accountName)}</td>
          </tr>
          <tr>
            <td style="padding:28px 32px 4px 32px;${FONT}font-size:22px;line-height:28px;font-weight:bold;color:${INK};">${e(b.reportTitle)}</td>
          </tr>
          <tr>
            <td style="padding:0 32px 4px 32px;${FONT}font-size:15px;line-height:22px;color:${INK};">${e(b.areaLabel)}</td>
          </tr>
          <tr>
            <td style="padding:0 32px 16px 32px;${FONT}font-size:14px;line-height:20px;color:${MUTED};">${e(b.periodLabel)}</td>
          </tr>${headlineTable}
          <tr>
            <td align="left" style="padding:24px 32px 8px 32px;">
              <table role="presentation" cellpadding="0" cellspacing="0" border="0">
                <tr>
                  <td bgcolor="${ACCENT}" style="background-color:${ACCENT};border-radius:4px;">
                    <a href="${e(b.reportLinkUrl)}" target="_blank" style="display:inline-block;padding:12px 24px;${FONT}font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:4px;">View the full report</a>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
          <tr>
            <td style="padding:8px 32px 8px 32px;${FONT}font-size:13px;line-height:19px;color:${MUTED};">If the button does not work, open this link: <a href="${e(b.reportLinkUrl)}" target="_blank" style="color:${ACCENT};word-break:break-all;">${e(b.reportLinkUrl)}</a>.${validity}</td>
          </tr>${
            attachment === undefined
              ? ""
              : `
          <tr>
            <td style="padding:8px 32px 8px 32px;${FONT}font-size:14px;line-height:20px;color:${INK};">${e(attachment)}</td>
          </tr>`
          }
          <tr>
            <td style="padding:24px 32px 28px 32px;border-top:1px solid #e4e7eb;${FONT}font-size:12px;line-height:18px;color:${MUTED};">${e(footerSentence(b))}<br />
              <a href="${e(b.unsubscribeUrl)}" target="_blank" style="color:${ACCENT};text-decoration:underline;">Unsubscribe</a> from ${e(b.accountName)}'s reports.
            </td>
          </tr>
        </table>
      </td>
    </tr>
  </table>
</body>
</html>
`;
}

export function renderReportEmailText(b: ReportEmailBody): string {
  const lines: string[] = [b.accountName, "", b.reportTitle, b.areaLabel, b.periodLabel, ""];
  for (const row of b.headline) {
    lines.push(`${row.label}: ${row.value}${row.change === undefined ? "" : ` (${row.change})`}`);
  }
  if (b.headline.length > 0) lines.push("");
  lines.push("View the full report:", b.reportLinkUrl);
  if (b.linkValidUntil !== undefined) lines.push(`This link works until ${b.linkValidUntil}.`);
  const attachment = attachmentSentence(b.attachment);
  if (attachment !== undefined) lines.push("", attachment);
  lines.push("", "--", footerSentence(b), `Unsubscribe: ${b.unsubscribeUrl}`, "");
  return lines.join("\n");
}
