import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { RequestHandler, Response } from "express";

/** Content types of what `vite build` writes under assets/. */
const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** Suffixes of the compressed copies web/vite.config.ts writes beside a file, by encoding. */
const ENCODED_COPIES = { br: ".br", gzip: ".gz" } as const;
type Encoding = keyof typeof ENCODED_COPIES;
const ENCODING_PREFERENCE: Encoding[] = ["br", "gzip"];

interface Asset {
  type: string;
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
  const names = await readdir(dir).catch(() => [] as string[]);
  const present = new Set(names);
  const copies = new Set(Object.values(ENCODED_COPIES).flatMap((suffix) => names.filter((n) => n.endsWith(suffix))));
  const byName = new Map<string, Asset>();
  for (const name of names) {
    if (copies.has(name)) continue;
    const bytes = await readFile(path.join(dir, name)).catch(() => undefined);
    if (!bytes) continue;
    const encoded: Asset["encoded"] = {};
    for (const [encoding, suffix] of Object.entries(ENCODED_COPIES) as [Encoding, string][]) {
      if (present.has(name + suffix)) encoded[encoding] = await readFile(path.join(dir, name + suffix));
    }
    byName.set(name, { type: CONTENT_TYPES[path.extname(name)] ?? "application/octet-stream", bytes, encoded });
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
    // ETag is weak as it stands for every encoding of them.
    const etag = `W/"${name}"`;
    res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    res.setHeader("ETag", etag);
    res.setHeader("Vary", "Accept-Encoding");
    res.setHeader("Content-Type", asset.type);
    if (req.headers["if-none-match"]?.split(/\s*,\s*/).some((tag) => tag === etag || tag === `"${name}"`)) {
      res.status(304).end();
      return;
    }
    // Brotli first where both are accepted: browsers list gzip first, though brotli is smaller.
    const encoding = ENCODING_PREFERENCE.find((e) => asset.encoded[e] && req.acceptsEncodings(e) === e);
    const body = encoding ? asset.encoded[encoding]! : asset.bytes;
    if (encoding) res.setHeader("Content-Encoding", encoding);
    res.setHeader("Content-Length", body.length);
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
