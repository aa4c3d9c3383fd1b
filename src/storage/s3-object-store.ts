import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { assertValidObjectKey, assertValidTtl, StorageError, type ObjectStore } from "./object-store.js";

export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /** Only for S3-compatible stores (MinIO, R2, s3rver); AWS itself needs none. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Without them the SDK's default chain applies (IRSA, instance profile, env, shared files). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Codes that mean "retrying will not help": the request itself or the account is wrong. */
const PERMANENT_CODES = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "AccountProblem",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "NoSuchBucket",
  "NoSuchKey",
  "NotFound",
  "InvalidBucketName",
  "InvalidObjectName",
  "EntityTooLarge",
  "KeyTooLongError",
  "InvalidArgument",
  "InvalidRequest",
  "PermanentRedirect",
  "AuthorizationHeaderMalformed",
]);

export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const { bucket } = options;
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: options.credentials,
    // The SDK retries throttling, 5xx and network errors with backoff; the job retries beyond that.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    // Newer SDKs add CRC checksums to every upload by default, which several S3-compatible
    // stores reject; checksums are sent only where the API requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Each send would otherwise resolve the whole middleware stack again (a third of the client's
    // CPU for an upload, measured); nothing here changes the stack after the first send, and the
    // presigner works on a copy of it.
    cacheMiddleware: true,
  });

  return {
    async put(key, body, contentType) {
      assertValidObjectKey(key);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      } catch (error) {
        throw s3Error(`could not store ${key} in bucket ${bucket}`, error);
      }
    },

    async get(key) {
      assertValidObjectKey(key);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new StorageError(`S3 returned no body for ${key}`, true);
        return Buffer.from(await response.Body.transformToByteArray());
      } catch (error) {
        throw s3Error(`could not read ${key} from bucket ${bucket}`, error);
      }
    },

    async exists(key) {
      assertValidObjectKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        const classified = s3Error(`could not check ${key} in bucket ${bucket}`, error);
        if (classified.code === "NotFound") return false;
        throw classified;
      }
    },

    async presignedGetUrl(key, ttlSeconds, downloadName) {
      assertValidObjectKey(key);
      assertValidTtl(ttlSeconds);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: downloadName === undefined ? undefined : contentDisposition(downloadName),
      });
      try {
        return await getSignedUrl(client, command, { expiresIn: ttlSeconds });
      } catch (error) {
        throw s3Error(`could not sign a URL for ${key}`, error);
      }
    },
  };
}

/**
 * `inline` so a recipient's browser shows the report, with a file name for when they save it.
 * The ASCII fallback keeps quotes and control characters out of the header; filename* carries
 * the exact name for browsers that read RFC 6266.
 */
export function contentDisposition(downloadName: string): string {
  const ascii = downloadName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(downloadName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function s3Error(message: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as Error).name;
  const detail = (error as Error).message || name;
  if (error instanceof S3ServiceException || status !== undefined) {
    // HeadObject has no body, so a missing object comes back as a bare 404 named "NotFound".
    const code = name === "NoSuchKey" || (status === 404 && name !== "NoSuchBucket") ? "NotFound" : name;
    const transient =
      !PERMANENT_CODES.has(name) &&
      (status === undefined || status >= 500 || status === 429 || status === 408 || /throttl|slowdown|timeout/i.test(name));
    return new StorageError(`${message}: ${detail}`, transient, code, { cause: error });
  }
  // No HTTP answer at all: refused or reset connections, DNS, timeouts. The store may come back.
  const code = (error as NodeJS.ErrnoException).code ?? name;
  return new StorageError(`${message}: ${detail}`, true, code, { cause: error });
}
