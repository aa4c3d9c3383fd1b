import path from "node:path";
import type { Env } from "../config/env.js";
import { createLocalObjectStore } from "./local-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { createS3ObjectStore } from "./s3-object-store.js";

export type ObjectStoreEnv = Pick<
  Env,
  "S3_BUCKET" | "S3_ENDPOINT" | "S3_REGION" | "S3_FORCE_PATH_STYLE" | "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" | "DATA_DIR"
>;

/** S3 when a bucket is configured (S3_ENDPOINT only for S3-compatible stores), else local files. */
export function createObjectStore(env: ObjectStoreEnv): ObjectStore {
  if (env.S3_BUCKET) {
    return createS3ObjectStore({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials:
        env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
          : undefined,
    });
  }
  // A blank DATA_DIR parses to undefined despite its default; fall back to the same default.
  return createLocalObjectStore(path.join(env.DATA_DIR ?? "./.data", "reports"));
}
