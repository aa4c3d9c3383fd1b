import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PRESIGN_SECONDS, type ObjectStore } from "../../src/storage/object-store.js";

export interface StoreHarness {
  store: ObjectStore;
  close(): Promise<void>;
}

/** Keys every store refuses before touching anything: leaving the store, hiding files, odd characters. */
export const INVALID_KEYS = ["../outside.txt", "reports/../../outside.txt", "/etc/passwd", "reports//x.pdf", "reports/.hidden", "reports\\..\\x", "", "reports/a b.pdf"];

/**
 * The behaviour every ObjectStore owes the worker and the API, run against the local files and
 * S3 (s3rver) alike: byte-exact round trips, whole replacement, one key rule, permanent NotFound.
 */
export function describeObjectStoreContract(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let h: StoreHarness;
    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });

    it("puts, checks and gets an object byte for byte", async () => {
      const key = "reports/acc-1/sched-1/run-1.pdf";
      const body = Buffer.from("%PDF-1.7 fake but byte-exact \x00\x01\xfe\xff", "latin1");
      expect(await h.store.exists(key)).toBe(false);
      await h.store.put(key, body, "application/pdf");
      expect(await h.store.exists(key)).toBe(true);
      expect((await h.store.get(key)).equals(body)).toBe(true);
    });

    it("replaces an object whole", async () => {
      const key = "reports/a/b/replaced.html";
      await h.store.put(key, Buffer.from("first version, longer than the second"), "text/html");
      await h.store.put(key, Buffer.from("second"), "text/html");
      expect((await h.store.get(key)).toString()).toBe("second");
    });

    it("keeps one whole body when writers race on a key", async () => {
      const key = "reports/a/b/raced.html";
      const bodies = Array.from({ length: 10 }, (_, i) => Buffer.alloc(64 * 1024, String(i)));
      await Promise.all(bodies.map((body) => h.store.put(key, body, "text/html")));
      const stored = await h.store.get(key);
      expect(bodies.filter((body) => body.equals(stored))).toHaveLength(1);
    });

    it("reports a missing object as a permanent NotFound", async () => {
      await expect(h.store.get("reports/none/none/none.pdf")).rejects.toMatchObject({ name: "StorageError", transient: false, code: "NotFound" });
    });

    it("refuses a key outside the one key rule, for every call, as a permanent InvalidKey", async () => {
      for (const key of INVALID_KEYS) {
        for (const call of [
          () => h.store.get(key),
          () => h.store.put(key, Buffer.from("x"), "text/plain"),
          () => h.store.exists(key),
          () => h.store.presignedGetUrl(key, 600),
        ]) {
          await expect(call(), key).rejects.toMatchObject({ name: "StorageError", transient: false, code: "InvalidKey" });
        }
      }
    });

    it("refuses a link lifetime outside 1 second to 7 days as a permanent InvalidTtl", async () => {
      const key = "reports/a/b/ttl.pdf";
      await h.store.put(key, Buffer.from("%PDF-ttl"), "application/pdf");
      for (const ttl of [0, -1, 1.5, MAX_PRESIGN_SECONDS + 1]) {
        await expect(h.store.presignedGetUrl(key, ttl), String(ttl)).rejects.toMatchObject({ name: "StorageError", transient: false, code: "InvalidTtl" });
      }
      expect(await h.store.presignedGetUrl(key, MAX_PRESIGN_SECONDS)).toMatch(/^(file|http):\/\//);
    });
  });
}
