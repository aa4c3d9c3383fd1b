import { generateKeyPairSync } from "node:crypto";
import { authenticate } from "mailauth";

/** A fresh DKIM key: the private key as PEM, and the TXT record that publishes its public half. */
export function dkimTestKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), txt: `v=DKIM1; k=rsa; p=${der}` };
}

/**
 * A DNS resolver for mailauth that answers only `selector._domainkey.domain`'s TXT record (in
 * 255-character strings, as DNS carries it); every other name does not exist, as in real DNS.
 */
function dnsWithDkimRecord(selector: string, domain: string, txt: string) {
  const chunks = txt.match(/.{1,255}/g)!;
  return async (name: string, rrtype: string) => {
    if (rrtype === "TXT" && name.toLowerCase() === `${selector}._domainkey.${domain}`) return [chunks];
    throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: "ENOTFOUND" });
  };
}

/**
 * The DKIM results mailauth finds for a raw message whose signing key `txt` publishes at
 * `selector._domainkey.domain`; only DKIM is checked (no ARC, DMARC or BIMI).
 */
export async function dkimResults(raw: Buffer, key: { selector: string; domain: string; txt: string }) {
  const auth = await authenticate(raw, {
    resolver: dnsWithDkimRecord(key.selector, key.domain, key.txt),
    sender: "reports@mail.example.com",
    ip: "127.0.0.1",
    helo: "localhost",
    mta: "mx.test",
    disableArc: true,
    disableDmarc: true,
    disableBimi: true,
  });
  return auth.dkim.results;
}
