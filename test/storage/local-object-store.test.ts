import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalObjectStore } from "../../src/storage/local-object-store.js";
import { StorageError } from "../../src/storage/object-store.js";
import { reportObjectKey } from "../../src/storage/report-keys.js";
import { createObjectStore } from "../../src/storage/select-object-store.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "local-store-test-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ACCOUNT = "6f1c2a8e-0b7d-4c55-9a51-3f6c1b2d9e01";
const SCHEDULE = "0a8e3b71-5d2c-4f0e-8b6a-9c1d2e3f4a5b";
const RUN = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";

describe("local object store", () => {
  const root = path.join(dataDir, "reports");
  const store = createLocalObjectStore(root);

  it("puts and gets a report under its key, leaving no temporary file", async () => {
    const key = reportObjectKey(ACCOUNT, SCHEDULE, RUN, "pdf");
    const body = Buffer.from("%PDF-1.7 \x00\x01\xfe", "latin1");
    expect(await store.exists(key)).toBe(false);
    await store.put(key, body, "application/pdf");
    expect(await store.exists(key)).toBe(true);
    expect((await store.get(key)).equals(body)).toBe(true);
    const dir = path.join(root, "reports", ACCOUNT, SCHEDULE);
    expect(readdirSync(dir)).toEqual([`${RUN}.pdf`]);
  });

  it("replaces an object whole", async () => {
    const key = "reports/a/b/replaced.html";
    await store.put(key, Buffer.from("first version, longer than the second"), "text/html");
    await store.put(key, Buffer.from("second"), "text/html");
    expect((await store.get(key)).toString()).toBe("second");
  });

  it("writes concurrently to one key without mixing bodies", async () => {
    const key = "reports/a/b/raced.html";
    const bodies = Array.from({ length: 10 }, (_, i) => Buffer.alloc(64 * 1024, String(i)));
    await Promise.all(bodies.map((body) => store.put(key, body, "text/html")));
    const stored = await store.get(key);
    expect(bodies.some((body) => body.equals(stored))).toBe(true);
    expect(readdirSync(path.join(root, "reports", "a", "b")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects keys that would leave the store or hide files", async () => {
    writeFileSync(path.join(dataDir, "outside.txt"), "secret");
    for (const key of ["../outside.txt", "reports/../../outside.txt", "/etc/passwd", "reports//x.pdf", "reports/.hidden", "reports\\..\\x", "", "reports/a b.pdf"]) {
      for (const call of [() => store.get(key), () => store.put(key, Buffer.from("x"), "text/plain"), () => store.exists(key)]) {
        const error = await call().catch((e: unknown) => e);
        expect(error, key).toBeInstanceOf(StorageError);
        expect((error as StorageError).transient).toBe(false);
        expect((error as StorageError).code).toBe("InvalidKey");
      }
    }
    expect(readFileSync(path.join(dataDir, "outside.txt"), "utf8")).toBe("secret");
  });

  it("reports a missing object as a permanent NotFound", async () => {
    const error = await store.get("reports/none.pdf").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).transient).toBe(false);
    expect((error as StorageError).code).toBe("NotFound");
  });

  it("gives a file:// URL of the stored file", async () => {
    const key = "reports/a/b/linked.pdf";
    await store.put(key, Buffer.from("%PDF-linked"), "application/pdf");
    const url = await store.presignedGetUrl(key, 3600, "report.pdf");
    expect(url.startsWith("file://")).toBe(true);
    expect(readFileSync(fileURLToPath(url), "utf8")).toBe("%PDF-linked");
  });

  it("is what createObjectStore picks without S3_BUCKET, under <DATA_DIR>/reports", async () => {
    const selected = createObjectStore({
      S3_BUCKET: undefined,
      S3_ENDPOINT: undefined,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: false,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      DATA_DIR: path.join(dataDir, "selected"),
    });
    await selected.put("reports/x/y/z.html", Buffer.from("<p>dev</p>"), "text/html");
    expect(existsSync(path.join(dataDir, "selected", "reports", "reports", "x", "y", "z.html"))).toBe(true);
  });
});

describe("reportObjectKey", () => {
  it("builds reports/<account>/<schedule>/<run>.<ext>", () => {
    expect(reportObjectKey(ACCOUNT, SCHEDULE, RUN, "html")).toBe(`reports/${ACCOUNT}/${SCHEDULE}/${RUN}.html`);
  });

  it("refuses ids that could change the path, naming the field", () => {
    expect(() => reportObjectKey("../x", SCHEDULE, RUN, "pdf")).toThrow(/accountId/);
    expect(() => reportObjectKey(ACCOUNT, "a/b", RUN, "pdf")).toThrow(/scheduleId/);
    expect(() => reportObjectKey(ACCOUNT, SCHEDULE, "", "pdf")).toThrow(/runId/);
    expect(() => reportObjectKey(ACCOUNT, SCHEDULE, RUN, "exe" as "pdf")).toThrow(/ext/);
  });
});
