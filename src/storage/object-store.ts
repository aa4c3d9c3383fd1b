/**
 * Where generated reports live: S3 (or anything speaking its API) in production, files under the
 * data directory on a laptop. Nothing else knows which one it has.
 */
export interface ObjectStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Rejects with a permanent StorageError whose code is "NotFound" when the key is absent. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /**
   * A URL that serves the object for ttlSeconds without credentials. S3 gives an http(s) URL;
   * the local store gives a file:// URL, which only this machine can open, so the API serves
   * local objects itself with get().
   */
  presignedGetUrl(key: string, ttlSeconds: number, downloadName?: string): Promise<string>;
}

/**
 * Why a storage call failed. Transient failures (5xx, throttling, network) may succeed on a
 * retry; permanent ones (access denied, no such bucket, a missing object, a bad key) will not.
 */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    /** The store's own error code when it gave one, e.g. "NoSuchBucket", "AccessDenied", "NotFound". */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StorageError";
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 1024;

/**
 * Keys are relative paths of plain segments: letters, digits, '.', '_' and '-', no segment
 * starting with '.', so no '..', no hidden files, no absolute paths or backslashes. The same rule
 * holds for S3, so a key that works on a laptop works in production.
 */
export function assertValidObjectKey(key: string): void {
  const problem =
    typeof key !== "string" || key.length === 0
      ? "must be a non-empty string"
      : key.length > MAX_KEY_LENGTH
        ? `must be at most ${MAX_KEY_LENGTH} characters`
        : key.split("/").every((segment) => SEGMENT.test(segment))
          ? undefined
          : "must be '/'-separated segments of letters, digits, '.', '_' or '-', none empty or starting with '.'";
  if (problem) throw new StorageError(`object key ${JSON.stringify(key)} ${problem}`, false, "InvalidKey");
}

/** SigV4 presigned URLs live at most seven days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export function assertValidTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESIGN_SECONDS) {
    throw new StorageError(`ttlSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${ttlSeconds}`, false, "InvalidTtl");
  }
}
