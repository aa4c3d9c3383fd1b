import { generateKeyPairSync } from "node:crypto";

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
export function dnsWithDkimRecord(selector: string, domain: string, txt: string) {
  const chunks = txt.match(/.{1,255}/g)!;
  return async (name: string, rrtype: string) => {
    if (rrtype === "TXT" && name.toLowerCase() === `${selector}._domainkey.${domain}`) return [chunks];
    throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: "ENOTFOUND" });
  };
}
