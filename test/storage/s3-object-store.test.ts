import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError, type ObjectStore } from "../../src/storage/object-store.js";
import { createS3ObjectStore } from "../../src/storage/s3-object-store.js";
import { createObjectStore } from "../../src/storage/select-object-store.js";

/** The part of s3rver (CommonJS, no bundled types) these tests use. */
interface S3rverInstance {
  configureBuckets(): Promise<void>;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer: http.Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const BUCKET = "test-reports";

async function startS3rver(directory: string, port = 0): Promise<{ server: S3rverInstance; endpoint: string }> {
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;
  const server = new S3rver({
    silent: true,
    address: "127.0.0.1",
    port,
    directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const address = await server.run();
  return { server, endpoint: `http://127.0.0.1:${address.port}` };
}

function s3Store(endpoint: string, bucket = BUCKET): ObjectStore {
  return createS3ObjectStore({ bucket, region: "us-east-1", endpoint, forcePathStyle: true, credentials: CREDENTIALS });
}

describe("S3 object store against s3rver", () => {
  let directory: string;
  let server: S3rverInstance;
  let endpoint: string;
  let store: ObjectStore;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), "s3-store-test-"));
    ({ server, endpoint } = await startS3rver(directory));
    store = s3Store(endpoint);
  });
  afterAll(async () => {
    await server?.close().catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  });

  it("puts, gets and checks objects", async () => {
    const key = "reports/acc-1/sched-1/run-1.pdf";
    const body = Buffer.from("%PDF-1.7 fake but byte-exact \x00\xff", "latin1");
    expect(await store.exists(key)).toBe(false);
    await store.put(key, body, "application/pdf");
    expect(await store.exists(key)).toBe(true);
    expect((await store.get(key)).equals(body)).toBe(true);
  });

  it("reports a missing object as a permanent NotFound", async () => {
    const error = await store.get("reports/none/none/none.pdf").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).transient).toBe(false);
    expect((error as StorageError).code).toBe("NotFound");
  });

  it("hands out a presigned URL that downloads the object with its content type and file name", async () => {
    const key = "reports/acc-1/sched-1/run-2.html";
    const html = "<!doctype html><p>Market snapshot</p>";
    await store.put(key, Buffer.from(html), "text/html; charset=utf-8");
    const url = await store.presignedGetUrl(key, 600, "market-snapshot 2025-11-10.html");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/test-reports\/reports\/acc-1\/sched-1\/run-2\.html\?/);
    expect(url).toContain("X-Amz-Expires=600");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(html);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain('filename="market-snapshot 2025-11-10.html"');
  });

  it("rejects a bad key or TTL before calling S3", async () => {
    for (const call of [
      () => store.put("../escape.pdf", Buffer.from("x"), "application/pdf"),
      () => store.get("/absolute/key"),
      () => store.presignedGetUrl("reports/a.pdf", 0),
      () => store.presignedGetUrl("reports/a.pdf", 8 * 24 * 3600),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).transient).toBe(false);
    }
  });

  it("reports an unknown bucket as a permanent failure", async () => {
    const missing = s3Store(endpoint, "no-such-bucket");
    const error = await missing.put("reports/a/b/c.pdf", Buffer.from("x"), "application/pdf").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).transient).toBe(false);
    expect((error as StorageError).code).toBe("NoSuchBucket");
  });

  it("is chosen by createObjectStore when S3_BUCKET is set", async () => {
    const selected = createObjectStore({
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: true,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      DATA_DIR: directory,
    });
    await selected.put("reports/selected/s/r.html", Buffer.from("<p>via env</p>"), "text/html");
    expect((await store.get("reports/selected/s/r.html")).toString()).toBe("<p>via env</p>");
  });

  it("reports a stopped server as a transient failure", async () => {
    const own = mkdtempSync(path.join(tmpdir(), "s3-store-stopped-"));
    const stopped = await startS3rver(own);
    const doomed = s3Store(stopped.endpoint);
    await doomed.put("reports/a/b/c.pdf", Buffer.from("x"), "application/pdf");
    await stopped.server.close();
    try {
      for (const call of [
        () => doomed.put("reports/a/b/d.pdf", Buffer.from("x"), "application/pdf"),
        () => doomed.get("reports/a/b/c.pdf"),
        () => doomed.exists("reports/a/b/c.pdf"),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageError);
        expect((error as StorageError).transient).toBe(true);
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe("S3 error classification by answer", () => {
  let answer: { status: number; code: string };
  let requests = 0;
  let front: http.Server;
  let store: ObjectStore;

  beforeAll(async () => {
    // An S3 front that answers every request with a chosen error, the way S3 sheds load or denies access.
    front = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(answer.status, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>test</Message><RequestId>t</RequestId></Error>`);
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    store = s3Store(`http://127.0.0.1:${(front.address() as AddressInfo).port}`);
  });
  afterAll(() => {
    front?.close();
  });

  for (const [status, code, transient] of [
    [503, "SlowDown", true],
    [500, "InternalError", true],
    [403, "AccessDenied", false],
    [400, "InvalidArgument", false],
  ] as const) {
    it(`${status} ${code} is ${transient ? "transient" : "permanent"}`, async () => {
      answer = { status, code };
      requests = 0;
      const error = await store.put("reports/a/b/c.pdf", Buffer.from("x"), "application/pdf").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).transient).toBe(transient);
      expect((error as StorageError).code).toBe(code);
      // The SDK retries what is retryable (maxAttempts 3) and gives up at once on the rest.
      expect(requests).toBe(transient ? 3 : 1);
    });
  }
});
