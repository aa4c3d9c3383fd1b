import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalObjectStore } from "../../src/storage/local-object-store.js";
import { reportObjectKey } from "../../src/storage/report-keys.js";
import { createObjectStore } from "../../src/storage/select-object-store.js";
import { INVALID_KEYS, describeObjectStoreContract } from "./object-store-contract.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "local-store-test-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ACCOUNT = "6f1c2a8e-0b7d-4c55-9a51-3f6c1b2d9e01";
const SCHEDULE = "0a8e3b71-5d2c-4f0e-8b6a-9c1d2e3f4a5b";
const RUN = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";

describeObjectStoreContract("local files", async () => {
  const root = mkdtempSync(path.join(dataDir, "contract-"));
  return { store: createLocalObjectStore(root), close: async () => rmSync(root, { recursive: true, force: true }) };
});

describe("local object store", () => {
  const root = path.join(dataDir, "reports");
  const store = createLocalObjectStore(root);

  it("keeps a report at <root>/<key>, leaving no temporary file even when writers race", async () => {
    const key = reportObjectKey(ACCOUNT, SCHEDULE, RUN, "pdf");
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put(key, Buffer.alloc(64 * 1024, String(i)), "application/pdf")));
    expect(readdirSync(path.join(root, "reports", ACCOUNT, SCHEDULE))).toEqual([`${RUN}.pdf`]);
  });

  it("never touches a file outside the store, whatever the key", async () => {
    writeFileSync(path.join(dataDir, "outside.txt"), "secret");
    for (const key of INVALID_KEYS) await store.put(key, Buffer.from("x"), "text/plain").catch(() => undefined);
    expect(readFileSync(path.join(dataDir, "outside.txt"), "utf8")).toBe("secret");
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
