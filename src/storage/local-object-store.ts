import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { assertValidObjectKey, assertValidTtl, StorageError, type ObjectStore } from "./object-store.js";

/**
 * Objects as files under one root directory (in development `<DATA_DIR>/reports`). A write goes
 * to a temporary file beside its target and is renamed into place, so a reader never sees half a
 * report, even if the process dies mid-write.
 */
export function createLocalObjectStore(rootDir: string): ObjectStore {
  const root = path.resolve(rootDir);

  function fileFor(key: string): string {
    assertValidObjectKey(key);
    const file = path.resolve(root, key);
    // The key rule already forbids escaping the root; this keeps it true if the rule ever loosens.
    if (!file.startsWith(root + path.sep)) throw new StorageError(`object key ${JSON.stringify(key)} leaves the store`, false, "InvalidKey");
    return file;
  }

  return {
    async put(key, body) {
      const file = fileFor(key);
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await mkdir(path.dirname(file), { recursive: true });
        const handle = await open(tmp, "wx");
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, file);
      } catch (error) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw fileError(`could not write ${key}`, error);
      }
    },

    async get(key) {
      const file = fileFor(key);
      try {
        return await readFile(file);
      } catch (error) {
        throw fileError(`could not read ${key}`, error);
      }
    },

    async exists(key) {
      const file = fileFor(key);
      try {
        return (await stat(file)).isFile();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw fileError(`could not check ${key}`, error);
      }
    },

    async presignedGetUrl(key, ttlSeconds) {
      assertValidTtl(ttlSeconds);
      return pathToFileURL(fileFor(key)).href;
    },
  };
}

function fileError(message: string, error: unknown): StorageError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new StorageError(`${message}: no such object`, false, "NotFound", { cause: error });
  if (code === "EACCES" || code === "EPERM" || code === "EISDIR" || code === "ENOTDIR") {
    return new StorageError(`${message}: ${code}`, false, code, { cause: error });
  }
  // A full disk or an I/O error may clear up; let the job retry.
  return new StorageError(`${message}: ${(error as Error).message}`, true, code, { cause: error });
}
