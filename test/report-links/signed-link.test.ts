import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { reportLinkExpiry, signReportLink, verifyReportLink } from "../../src/report-links/signed-link.js";
import { keyId } from "../../src/signing/key-ring.js";
import { unsubscribeToken } from "../../src/unsubscribe/token.js";

const SECRET = "test-unsubscribe-secret-0123456789";
const REPORT_ID = "6f1c2a9e-3b7d-4e8a-9c1f-2d5b6a7e8f90";
const NOW = new Date("2025-11-10T17:00:00Z");

function parts(link: string) {
  const url = new URL(link);
  const id = decodeURIComponent(url.pathname.split("/").pop()!);
  return { url, id, exp: url.searchParams.get("exp"), sig: url.searchParams.get("sig"), kid: url.searchParams.get("kid") };
}

describe("signed report links", () => {
  const expiresAt = reportLinkExpiry(NOW, 30);
  const link = signReportLink(SECRET, "https://reports.example.com/", REPORT_ID, expiresAt);

  it("has the documented shape", () => {
    const { url, id, exp, sig } = parts(link);
    expect(url.origin + url.pathname).toBe(`https://reports.example.com/r/${REPORT_ID}`);
    expect(id).toBe(REPORT_ID);
    expect(exp).toBe(String(Math.floor(expiresAt.getTime() / 1000)));
    expect(url.searchParams.get("kid")).toBe(keyId(SECRET));
    expect(keyId(SECRET)).toMatch(/^[0-9a-f]{8}$/);
    const key = createHmac("sha256", SECRET).update("report-link").digest();
    expect(sig).toBe(createHmac("sha256", key).update(`${REPORT_ID}.${exp}`).digest("hex"));
  });

  it("keeps a path prefix of the base URL", () => {
    const prefixed = signReportLink(SECRET, "https://example.com/market", REPORT_ID, expiresAt);
    expect(new URL(prefixed).pathname).toBe(`/market/r/${REPORT_ID}`);
  });

  it("is ok before expiry, expired at and after it", () => {
    const { id, exp, sig } = parts(link);
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: sig! }, NOW)).toBe("ok");
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: sig! }, new Date(expiresAt.getTime() - 1000))).toBe("ok");
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: sig! }, expiresAt)).toBe("expired");
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: sig! }, new Date(expiresAt.getTime() + 86_400_000))).toBe("expired");
  });

  it("rejects a tampered expiry or signature", () => {
    const { id, exp, sig } = parts(link);
    expect(verifyReportLink([SECRET], id, { exp: String(Number(exp) + 86_400), sig: sig! }, NOW)).toBe("invalid");
    const flipped = (sig![0] === "0" ? "1" : "0") + sig!.slice(1);
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: flipped }, NOW)).toBe("invalid");
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: sig!.slice(0, 63) }, NOW)).toBe("invalid");
    expect(verifyReportLink([SECRET], id, { exp: exp!, sig: undefined }, NOW)).toBe("invalid");
    expect(verifyReportLink([SECRET], id, { exp: undefined, sig: sig! }, NOW)).toBe("invalid");
    expect(verifyReportLink([SECRET], id, { exp: "1e12", sig: sig! }, NOW)).toBe("invalid");
  });

  it("an expired link that was tampered with is invalid, not expired", () => {
    const { id, exp, sig } = parts(link);
    const later = new Date(expiresAt.getTime() + 1000);
    expect(verifyReportLink([SECRET], id, { exp: String(Number(exp) + 1), sig: sig! }, later)).toBe("invalid");
  });

  it("rejects the signature of another report or another secret", () => {
    const { exp, sig } = parts(link);
    expect(verifyReportLink([SECRET], "0b2e7c4d-1111-4222-8333-944455566677", { exp: exp!, sig: sig! }, NOW)).toBe("invalid");
    expect(verifyReportLink(["another-secret-abcdefghijklmnop"], REPORT_ID, { exp: exp!, sig: sig! }, NOW)).toBe("invalid");
  });

  it("does not accept an unsubscribe token as a signature", () => {
    const { exp } = parts(link);
    const token = unsubscribeToken(SECRET, `${REPORT_ID}.${exp}`, "x");
    expect(verifyReportLink([SECRET], REPORT_ID, { exp: exp!, sig: token }, NOW)).toBe("invalid");
  });

  it("after a rotation, links signed with the previous secret still verify; new links use the new one", () => {
    const NEW = "rotated-report-link-secret-abcdefghijklmnopqrstuvwxyz";
    const { id, exp, sig, kid } = parts(link);
    expect(verifyReportLink([NEW, SECRET], id, { exp, sig, kid }, NOW)).toBe("ok");
    // once the previous secret is dropped, its links stop working
    expect(verifyReportLink([NEW], id, { exp, sig, kid }, NOW)).toBe("invalid");
    const fresh = parts(signReportLink(NEW, "https://reports.example.com/", REPORT_ID, expiresAt));
    expect(fresh.kid).toBe(keyId(NEW));
    expect(verifyReportLink([NEW, SECRET], fresh.id, { exp: fresh.exp, sig: fresh.sig, kid: fresh.kid }, NOW)).toBe("ok");
  });

  it("a key id names the only secret tried; an unknown id is invalid; no id (older links) tries every secret", () => {
    const OTHER = "some-other-report-link-secret-abcdefghijklmnopqrstu";
    const { id, exp, sig } = parts(link);
    expect(verifyReportLink([OTHER, SECRET], id, { exp, sig, kid: keyId(OTHER) }, NOW)).toBe("invalid");
    expect(verifyReportLink([OTHER, SECRET], id, { exp, sig, kid: "0000000g" }, NOW)).toBe("invalid");
    expect(verifyReportLink([OTHER, SECRET], id, { exp, sig }, NOW)).toBe("ok");
  });

  it("names the bad argument", () => {
    expect(() => signReportLink(SECRET, "https://x.example", "", NOW)).toThrow(/reportId/);
    expect(() => signReportLink(SECRET, "not a url", REPORT_ID, NOW)).toThrow(/baseUrl/);
    expect(() => signReportLink(SECRET, "https://x.example", REPORT_ID, new Date("nope"))).toThrow(/expiresAt/);
    expect(() => reportLinkExpiry(NOW, 0)).toThrow(/ttlDays/);
  });
});
