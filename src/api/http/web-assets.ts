import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { RequestHandler, Response } from "express";

/**
 * The compressed copies the build writes beside a file (web/vite.config.ts), by encoding, in the
 * order they are preferred: brotli first where both are accepted, as browsers list gzip first
 * though brotli is smaller.
 */
export const ENCODED_COPIES = { br: ".br", gzip: ".gz" } as const;
type Encoding = keyof typeof ENCODED_COPIES;
const ENCODINGS = Object.keys(ENCODED_COPIES) as Encoding[];
const isEncodedCopy = (name: string) => Object.values(ENCODED_COPIES).some((suffix) => name.endsWith(suffix));

interface Asset {
  bytes: Buffer;
  encoded: Partial<Record<Encoding, Buffer>>;
}

interface HeldAssets {
  byName: Map<string, Asset>;
  /** The folder's modification time when it was read: a build replacing the files changes it. */
  folderChangedAt: number;
}

async function folderChangedAt(dir: string): Promise<number> {
  return stat(dir).then(
    (s) => s.mtimeMs,
    () => 0,
  );
}

async function readAssets(dir: string): Promise<HeldAssets> {
  const changedAt = await folderChangedAt(dir);
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const byName = new Map<string, Asset>();
  for (const name of names) {
    if (isEncodedCopy(name)) continue;
    const bytes = await readFile(path.join(dir, name)).catch(() => undefined);
    if (!bytes) continue;
    const encoded: Asset["encoded"] = {};
    for (const encoding of ENCODINGS) {
      const copy = name + ENCODED_COPIES[encoding];
      if (names.has(copy)) encoded[encoding] = await readFile(path.join(dir, copy));
    }
    byName.set(name, { bytes, encoded });
  }
  return { byName, folderChangedAt: changedAt };
}

/**
 * The built app's content-hashed files (`dir` is dist/web/assets), held in memory with the brotli
 * and gzip copies the build wrote, each sent to the browsers that accept it. They are a few
 * hundred KB, and a first visit asks for all of them at once, while the api is also answering the
 * page's first requests: each answer is then one write, with no file-system round trip to wait
 * behind that work, and no compression on the request's time.
 *
 * A build can replace the files while the api runs (`npm run build` beside `npm start`), so a name
 * not held reloads them, but only once the folder has changed: a flood of made-up names costs a
 * stat each, never a reread.
 */
export function webAssetsHandler(dir: string, setSecurityHeaders: (res: Response) => void): RequestHandler {
  let held: Promise<HeldAssets> | undefined;
  return async (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const name = req.path.slice(1);
    held ??= readAssets(dir);
    let assets = await held;
    if (!assets.byName.has(name) && (await folderChangedAt(dir)) !== assets.folderChangedAt) {
      held = readAssets(dir);
      assets = await held;
    }
    const asset = assets.byName.get(name);
    setSecurityHeaders(res);
    if (!asset) {
      res.status(404).type("text/plain").send("No such file\n");
      return;
    }
    // The name carries a hash of the content: the same name is the same bytes, for a year. The
    // ETag is weak as it stands for every encoding of them. res.send answers a matching
    // If-None-Match with 304 and a HEAD without the body.
    res.set({ "Cache-Control": "public, max-age=31536000, immutable", ETag: `W/"${name}"`, Vary: "Accept-Encoding" });
    res.type(path.extname(name));
    const encoding = ENCODINGS.find((e) => asset.encoded[e] && req.acceptsEncodings(e) === e);
    if (encoding) res.set("Content-Encoding", encoding);
    res.send(encoding ? asset.encoded[encoding] : asset.bytes);
  };
}
