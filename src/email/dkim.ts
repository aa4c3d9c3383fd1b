import { createPrivateKey } from "node:crypto";

export interface DkimConfig {
  domainName: string;
  keySelector: string;
  /** PEM private key (RSA). */
  privateKey: string;
}

/**
 * Headers covered by the signature. Gmail and Yahoo only honour one-click unsubscribe (RFC 8058)
 * when both List-Unsubscribe and List-Unsubscribe-Post are signed, so they are named explicitly
 * here instead of relying on nodemailer's default list staying as it is.
 */
export const DKIM_SIGNED_HEADERS = [
  "From",
  "Sender",
  "Reply-To",
  "Subject",
  "Date",
  "Message-ID",
  "To",
  "Cc",
  "MIME-Version",
  "Content-Type",
  "Content-Transfer-Encoding",
  "In-Reply-To",
  "References",
  "List-Id",
  "List-Unsubscribe",
  "List-Unsubscribe-Post",
].join(":");

/**
 * DKIM settings from DKIM_DOMAIN / DKIM_SELECTOR / DKIM_PRIVATE_KEY: all three or none.
 * A key pasted into an env var often arrives with literal "\n" sequences; those become newlines.
 */
export function dkimFromEnv(env: {
  DKIM_DOMAIN?: string;
  DKIM_SELECTOR?: string;
  DKIM_PRIVATE_KEY?: string;
}): DkimConfig | undefined {
  const values = { DKIM_DOMAIN: env.DKIM_DOMAIN, DKIM_SELECTOR: env.DKIM_SELECTOR, DKIM_PRIVATE_KEY: env.DKIM_PRIVATE_KEY };
  const missing = Object.entries(values)
    .filter(([, v]) => v === undefined || v.trim() === "")
    .map(([k]) => k);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new Error(`DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together; missing: ${missing.join(", ")}`);
  }
  let privateKey = values.DKIM_PRIVATE_KEY!.trim();
  if (!privateKey.includes("\n") && privateKey.includes("\\n")) privateKey = privateKey.replace(/\\n/g, "\n");
  const domainName = values.DKIM_DOMAIN!.trim().toLowerCase();
  const keySelector = values.DKIM_SELECTOR!.trim();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domainName)) {
    throw new Error(`DKIM_DOMAIN: must be a domain name such as example.com, got ${JSON.stringify(domainName)}`);
  }
  if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(keySelector)) {
    throw new Error("DKIM_SELECTOR: must be a DNS label (letters, digits, '-', '.', '_')");
  }
  let keyType: string | undefined;
  try {
    keyType = createPrivateKey(privateKey).asymmetricKeyType;
  } catch {
    // the key's contents never go into the message
    throw new Error("DKIM_PRIVATE_KEY: is not a readable PEM private key");
  }
  if (keyType !== "rsa") throw new Error(`DKIM_PRIVATE_KEY: must be an RSA key (nodemailer signs rsa-sha256), got ${keyType}`);
  return { domainName, keySelector, privateKey };
}
