import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError, type ObjectStore } from "../../src/storage/object-store.js";
import { createS3ObjectStore } from "../../src/storage/s3-object-store.js";
import { createObjectStore } from "../../src/storage/select-object-store.js";
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from "../support/s3-server.js";
import { describeObjectStoreContract } from "./object-store-contract.js";

const BUCKET = "test-reports";

function s3Store(endpoint: string, bucket = BUCKET): ObjectStore {
  return createS3ObjectStore({ bucket, region: "us-east-1", endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
}

describeObjectStoreContract("S3 (s3rver)", async () => {
  const server = await startS3Server(BUCKET);
  return { store: s3Store(server.endpoint), close: () => server.close() };
});

describe("S3 object store against s3rver", () => {
  let server: S3Server;
  let store: ObjectStore;

  beforeAll(async () => {
    server = await startS3Server(BUCKET);
    store = s3Store(server.endpoint);
  });
  afterAll(async () => {
    await server?.close();
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

  it("reports an unknown bucket as a permanent failure", async () => {
    const missing = s3Store(server.endpoint, "no-such-bucket");
    const error = await missing.put("reports/a/b/c.pdf", Buffer.from("x"), "application/pdf").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).transient).toBe(false);
    expect((error as StorageError).code).toBe("NoSuchBucket");
  });

  it("is chosen by createObjectStore when S3_BUCKET is set", async () => {
    const selected = createObjectStore({
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: server.endpoint,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: true,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      DATA_DIR: "/nonexistent",
    });
    await selected.put("reports/selected/s/r.html", Buffer.from("<p>via env</p>"), "text/html");
    expect((await store.get("reports/selected/s/r.html")).toString()).toBe("<p>via env</p>");
  });

  it("reports a stopped server as a transient failure", async () => {
    const stopped = await startS3Server(BUCKET);
    const doomed = s3Store(stopped.endpoint);
    await doomed.put("reports/a/b/c.pdf", Buffer.from("x"), "application/pdf");
    await stopped.close();
    for (const call of [
      () => doomed.put("reports/a/b/d.pdf", Buffer.from("x"), "application/pdf"),
      () => doomed.get("reports/a/b/c.pdf"),
      () => doomed.exists("reports/a/b/c.pdf"),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).transient).toBe(true);
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
