import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type HtmlTagDescriptor, type Plugin } from "vite";
import { ENCODED_COPIES } from "../src/api/http/web-assets.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * main.ts imports React and the app dynamically, so that its first requests go out before that
 * big chunk is evaluated; this links the chunk (and what it imports) from index.html as
 * modulepreload, so the browser fetches and parses it alongside main.ts, not after it has run.
 */
function preloadFromHtml(module: string): Plugin {
  return {
    name: "preload-from-html",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).flatMap((c) => (c.type === "chunk" ? [c] : []));
        const root = chunks.find((c) => c.facadeModuleId === module);
        if (!root) throw new Error(`preload-from-html: no chunk for ${module}`);
        const files = new Set<string>();
        const visit = (fileName: string) => {
          const chunk = chunks.find((c) => c.fileName === fileName);
          if (!chunk || chunk.isEntry || files.has(fileName)) return;
          files.add(fileName);
          chunk.imports.forEach(visit);
        };
        visit(root.fileName);
        return [...files].map(
          (file): HtmlTagDescriptor => ({ tag: "link", attrs: { rel: "modulepreload", crossorigin: true, href: `/${file}` }, injectTo: "head" }),
        );
      },
    },
  };
}

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside each script and stylesheet, for the api to
 * send browsers that accept them (src/api/http/web-assets.ts): compressed once, at the strongest
 * settings, rather than on every request. A copy no smaller than its file is not written.
 */
function precompress(): Plugin {
  return {
    name: "precompress",
    apply: "build",
    async writeBundle(options, bundle) {
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(file.fileName)) continue;
        const bytes = Buffer.from(file.type === "chunk" ? file.code : file.source);
        const target = path.join(options.dir!, file.fileName);
        const copies = [
          [ENCODED_COPIES.br, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })],
          [ENCODED_COPIES.gzip, gzipSync(bytes, { level: 9 })],
        ] as const;
        for (const [suffix, copy] of copies) if (copy.length < bytes.length) await writeFile(target + suffix, copy);
      }
    },
  };
}

/** The browser app: web/ in, dist/web/ out (served by the api at /). */
export default defineConfig({
  root: here,
  base: "/",
  plugins: [react(), preloadFromHtml(path.join(here, "src/render-app.tsx")), precompress()],
  build: {
    outDir: path.resolve(here, "../dist/web"),
    emptyOutDir: true,
    // One hashed file per chunk under /assets/, cached for a year by the api.
    assetsDir: "assets",
    sourcemap: false,
    // No inline <script> or modulepreload polyfill: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
  },
  server: { port: 5173 },
});
