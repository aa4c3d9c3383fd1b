import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webAppRoutes } from "../../src/api/http/web-app-routes.js";

/** A raw GET or HEAD: fetch would ask for and undo the compression these tests look at. */
function request(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject)
      .end();
  });
}

describe("the web app's assets", () => {
  const script = Buffer.from(`console.log(${JSON.stringify("market reports ".repeat(200))});\n`);
  let dir: string;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mr-web-assets-"));
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>t</title>");
    await writeFile(path.join(dir, "assets/app-abc123.js"), script);
    await writeFile(path.join(dir, "assets/app-abc123.js.br"), brotliCompressSync(script));
    await writeFile(path.join(dir, "assets/app-abc123.js.gz"), gzipSync(script));
    await writeFile(path.join(dir, "assets/style-def456.css"), "body{color:#111}");
    const app = express();
    app.use(webAppRoutes(dir));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("sends the brotli copy to a browser that accepts it, cached for a year, with the security headers", async () => {
    const res = await request(`${base}/assets/app-abc123.js`, { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(res.body).equals(script)).toBe(true);
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  it("sends gzip to a client that accepts only gzip, and the file itself to one that accepts neither", async () => {
    const gz = await request(`${base}/assets/app-abc123.js`, { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).equals(script)).toBe(true);

    for (const accept of [undefined, "br;q=0, gzip;q=0", "identity"]) {
      const plain = await request(`${base}/assets/app-abc123.js`, accept ? { "accept-encoding": accept } : {});
      expect(plain.headers["content-encoding"], accept).toBeUndefined();
      expect(plain.body.equals(script), accept).toBe(true);
    }
    // A file the build wrote no copies of is sent as it is, whatever the client accepts.
    const css = await request(`${base}/assets/style-def456.css`, { "accept-encoding": "br, gzip" });
    expect(css.headers["content-encoding"]).toBeUndefined();
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.body.toString()).toBe("body{color:#111}");
  });

  it("answers HEAD without a body and a matching If-None-Match with 304", async () => {
    const head = await request(`${base}/assets/app-abc123.js`, { "accept-encoding": "br" }, "HEAD");
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
    const again = await request(`${base}/assets/app-abc123.js`, { "if-none-match": head.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it("refuses names it does not hold, the compressed copies' own names and paths out of the folder with 404", async () => {
    for (const name of ["missing-000000.js", "app-abc123.js.br", "..%2Findex.html", "../index.html", "%2e%2e/index.html"]) {
      const res = await request(`${base}/assets/${name}`);
      expect(res.status, name).toBe(404);
      expect(res.headers["x-content-type-options"], name).toBe("nosniff");
      expect(res.body.toString(), name).not.toContain("<title>t</title>");
    }
  });

  it("serves a file a new build added while the api runs", async () => {
    expect((await request(`${base}/assets/later-789abc.js`)).status).toBe(404);
    await writeFile(path.join(dir, "assets/later-789abc.js"), "export {};\n");
    const res = await request(`${base}/assets/later-789abc.js`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("export {};\n");
  });
});
