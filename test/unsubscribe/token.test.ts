import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyId } from "../../src/signing/key-ring.js";
import { isValidUnsubscribeToken, unsubscribeToken, unsubscribeUrl } from "../../src/unsubscribe/token.js";

const secret = "a-test-secret-of-some-length";
const account = "912014c3-6deb-4b40-a28d-489ef3923a3a";

describe("unsubscribe tokens", () => {
  it("validates a token made the seed's way (hmac.new(secret, f'{email}:{account_id}', sha256).hexdigest())", () => {
    const seedToken = createHmac("sha256", secret).update(`user@example.com:${account}`).digest("hex");
    expect(isValidUnsubscribeToken([secret], "user@example.com", account, seedToken)).toBe(true);
    expect(unsubscribeToken(secret, "user@example.com", account)).toBe(seedToken);
  });

  it("lower-cases the email, so a mixed-case address validates", () => {
    const token = unsubscribeToken(secret, "User@Example.COM", account);
    expect(isValidUnsubscribeToken([secret], "user@example.com", account, token)).toBe(true);
    expect(isValidUnsubscribeToken([secret], "USER@EXAMPLE.com", account, token)).toBe(true);
  });

  it("rejects other accounts, other emails, other secrets and malformed tokens", () => {
    const token = unsubscribeToken(secret, "user@example.com", account);
    expect(isValidUnsubscribeToken([secret], "other@example.com", account, token)).toBe(false);
    expect(isValidUnsubscribeToken([secret], "user@example.com", "00000000-0000-0000-0000-000000000000", token)).toBe(false);
    expect(isValidUnsubscribeToken(["another-secret-value"], "user@example.com", account, token)).toBe(false);
    expect(isValidUnsubscribeToken([secret], "user@example.com", account, token.slice(0, 63))).toBe(false);
    expect(isValidUnsubscribeToken([secret], "user@example.com", account, "zz".repeat(32))).toBe(false);
    expect(isValidUnsubscribeToken([secret], "user@example.com", account, "")).toBe(false);
  });

  it("builds the link people and mail clients use", () => {
    const url = new URL(unsubscribeUrl("https://reports.example.com/", secret, "User@Example.com", account));
    expect(url.pathname).toBe("/unsubscribe");
    expect(url.searchParams.get("email")).toBe("user@example.com");
    expect(url.searchParams.get("account")).toBe(account);
    expect(url.searchParams.get("kid")).toBe(keyId(secret));
    expect(isValidUnsubscribeToken([secret], "user@example.com", account, url.searchParams.get("token")!, url.searchParams.get("kid")!)).toBe(true);
  });

  it("after a rotation a token made with the previous secret still validates, by its key id or without one", () => {
    const next = "the-next-unsubscribe-secret-0123456789abcdef";
    const url = new URL(unsubscribeUrl("https://reports.example.com/", secret, "user@example.com", account));
    const token = url.searchParams.get("token")!;
    const kid = url.searchParams.get("kid")!;
    expect(isValidUnsubscribeToken([next, secret], "user@example.com", account, token, kid)).toBe(true);
    expect(isValidUnsubscribeToken([next, secret], "user@example.com", account, token)).toBe(true);
    expect(isValidUnsubscribeToken([next], "user@example.com", account, token, kid)).toBe(false);
    // a key id picks its secret: the right token under another key's id is refused
    expect(isValidUnsubscribeToken([next, secret], "user@example.com", account, token, keyId(next))).toBe(false);
    expect(isValidUnsubscribeToken([next, secret], "user@example.com", account, token, "not-an-id")).toBe(false);
  });
});
