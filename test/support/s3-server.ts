import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

/** The part of s3rver (CommonJS, no bundled types) this harness uses. */
interface S3rverInstance {
  configureBuckets(): Promise<void>;
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface UploadFaultCounts {
  /** PUTs answered 503 SlowDown. */
  refused: number;
  /** PUTs passed to s3rver. */
  passed: number;
}

export interface S3Server {
  /** What processes get as S3_ENDPOINT (the fault-injecting front). */
  endpoint: string;
  bucket: string;
  uploads: UploadFaultCounts;
  /** Answers this share (0..1) of object PUTs with 503 SlowDown until set back to 0. */
  refuseUploads(share: number): void;
  /** Reads an object straight from s3rver (never refused). */
  getObject(key: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/**
 * s3rver in this process on a random port, its bucket created, behind a small front that can
 * refuse a share of uploads the way S3 sheds load (503 SlowDown), so the AWS SDK's own retries
 * and then the job's retries are what get the report stored, and can answer uploads late.
 */
export async function startS3Server(bucket = "e2e-reports", options: { uploadLatencyMs?: number } = {}): Promise<S3Server> {
  const require = createRequire(import.meta.url);
  const S3rver = require("s3rver") as S3rverConstructor;
  const directory = mkdtempSync(path.join(os.tmpdir(), "mr-e2e-s3-"));
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const uploads: UploadFaultCounts = { refused: 0, passed: 0 };
  let refuseShare = 0;

  const server = http.createServer((req, res) => {
    const isUpload = req.method === "PUT" && (req.url ?? "/").split("?")[0].split("/").filter(Boolean).length >= 2;
    if (isUpload && refuseShare > 0 && Math.random() < refuseShare) {
      uploads.refused++;
      req.resume();
      res.writeHead(503, { "content-type": "application/xml" });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>e2e</RequestId></Error>`,
      );
      return;
    }
    if (isUpload) uploads.passed++;
    // A store across a network: the answer comes this much later (bench:worker --service-latency-ms).
    if (isUpload && options.uploadLatencyMs) setTimeout(() => handle(req, res), options.uploadLatencyMs);
    else handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });

  return {
    endpoint,
    bucket,
    uploads,
    refuseUploads(share) {
      refuseShare = Math.max(0, Math.min(1, share));
    },
    async getObject(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await out.Body!.transformToByteArray());
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === "NoSuchKey" || name === "NotFound") return undefined;
        throw error;
      }
    },
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
