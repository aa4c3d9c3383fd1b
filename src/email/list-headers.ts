import { oneLine } from "./one-line.js";
import { domainToASCII } from "node:url";
import type { PreparedHeaderValue } from "./mail-transport.js";

/**
 * The List-* headers, built here and handed to nodemailer as "prepared" values so it emits them
 * exactly as written. Left to nodemailer, an unstructured header with any non-ASCII character is
 * turned into one encoded word as a whole — the `<id>` of a List-Id included, which destroys it.
 * Folding is ours too, and only ever at a space that is already part of the value (between
 * URIs, between encoded words, before the `<id>`), so unfolding gives back the same value and
 * relaxed DKIM canonicalization sees the same bytes however a relay refolds it.
 */

const MAX_LINE = 78;
const HARD_LINE_LIMIT = 998;
const FALLBACK_LIST_DOMAIN = "market-reports.local";
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function prepared(value: string): PreparedHeaderValue {
  return { prepared: true, value };
}

/** Packs tokens onto lines of at most 78 characters (when they fit), separated by a space. */
export function foldHeaderTokens(headerName: string, tokens: string[]): string {
  let out = "";
  let lineLength = headerName.length + 2;
  tokens.forEach((token, i) => {
    if (/[\r\n]/.test(token)) throw new Error(`${headerName}: a header value cannot contain a line break`);
    if (i === 0) {
      out = token;
      lineLength += token.length;
    } else if (lineLength + 1 + token.length <= MAX_LINE) {
      out += " " + token;
      lineLength += 1 + token.length;
    } else {
      out += "\r\n " + token;
      lineLength = 1 + token.length;
    }
  });
  const longest = Math.max(headerName.length + 2 + out.split("\r\n")[0].length, ...out.split("\r\n").map((l) => l.length));
  if (longest > HARD_LINE_LIMIT) throw new Error(`${headerName}: a line would exceed ${HARD_LINE_LIMIT} characters`);
  return out;
}

/** RFC 2047 B-encoded words of at most 75 characters, split between characters, never inside one. */
export function encodedWords(text: string): string[] {
  const maxBytes = 45; // 60 base64 characters + 12 of "=?UTF-8?B?" and "?=" = 72
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, "utf8") > maxBytes) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk !== "") words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`);
}

/** A display phrase as header tokens: bare atoms, one quoted string, or encoded words. */
function phraseTokens(name: string): string[] {
  const clean = oneLine(name);
  if (clean === "") return [];
  if (ATOM_PHRASE.test(clean)) return [clean];
  if (PRINTABLE_ASCII.test(clean)) return [`"${clean.replace(/(["\\])/g, "\\$1")}"`];
  return encodedWords(clean);
}

/** The domain of the sender's address, the namespace our List-Ids live in. */
export function listIdDomain(fromAddress: string | undefined): string {
  const domain = fromAddress?.slice(fromAddress.lastIndexOf("@") + 1).trim().toLowerCase() ?? "";
  const ascii = domain === "" ? "" : domainToASCII(domain);
  return ascii.includes(".") && /^[a-z0-9.-]+$/.test(ascii) ? ascii : FALLBACK_LIST_DOMAIN;
}

/** `List-Id: <account name> <account-<accountId>.<domain>>` — one list per account (RFC 2919). */
export function listIdHeader(accountName: string, accountId: string, domain: string): PreparedHeaderValue {
  if (!/^[A-Za-z0-9-]+$/.test(accountId)) throw new Error("accountId: must contain only letters, digits and '-'");
  return prepared(foldHeaderTokens("List-Id", [...phraseTokens(accountName), `<account-${accountId}.${domain}>`]));
}

/** A configured unsubscribe mailbox as a mailto URI; a bare address gets a subject naming the account. */
export function unsubscribeMailtoUri(mailto: string, accountId: string): string {
  const value = mailto.trim();
  if (/[\s<>"]/.test(value)) throw new Error("unsubscribeMailto: must be an address or mailto: URI without spaces, quotes or angle brackets");
  if (/^mailto:/i.test(value)) {
    if (!/^mailto:[^@?]+@[^@?]+(\?.*)?$/i.test(value)) throw new Error("unsubscribeMailto: must be mailto:<address>[?query]");
    return value;
  }
  if (!/^[^@]+@[^@]+\.[^@]+$/.test(value)) throw new Error("unsubscribeMailto: must be an email address");
  return `mailto:${value}?subject=${encodeURIComponent(`unsubscribe ${accountId}`)}`;
}

/**
 * RFC 8058: the HTTPS one-click URL first (mailbox providers POST `List-Unsubscribe=One-Click`
 * to it), an optional mailto after it for clients that only know RFC 2369.
 */
export function listUnsubscribeHeaders(oneClickUrl: string, mailtoUri?: string): Record<string, PreparedHeaderValue> {
  if (/[\s<>]/.test(oneClickUrl)) throw new Error("List-Unsubscribe: the URL must not contain spaces or angle brackets");
  const tokens = mailtoUri === undefined ? [`<${oneClickUrl}>`] : [`<${oneClickUrl}>,`, `<${mailtoUri}>`];
  return {
    "List-Unsubscribe": prepared(foldHeaderTokens("List-Unsubscribe", tokens)),
    "List-Unsubscribe-Post": prepared("List-Unsubscribe=One-Click"),
  };
}
