import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type HtmlTagDescriptor, type Plugin } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

type Bundle = Parameters<NonNullable<Extract<Plugin["generateBundle"], { handler: unknown }>["handler"]>>[1];
type Chunk = Extract<Bundle[string], { type: "chunk" }>;

/** The chunk of `module` and every chunk it imports, entries left out: what the first page needs besides the entry. */
function chunkClosure(bundle: Bundle, module: string): Chunk[] {
  const chunks = Object.values(bundle).flatMap((c) => (c.type === "chunk" ? [c] : []));
  const root = chunks.find((c) => c.facadeModuleId === module);
  if (!root) throw new Error(`vite.config: no chunk for ${module}`);
  const found = new Map<string, Chunk>();
  const visit = (fileName: string) => {
    const chunk = chunks.find((c) => c.fileName === fileName);
    if (!chunk || chunk.isEntry || found.has(fileName)) return;
    found.set(fileName, chunk);
    chunk.imports.forEach(visit);
  };
  visit(root.fileName);
  return [...found.values()];
}

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
        return chunkClosure(ctx.bundle ?? {}, module).map(
          (chunk): HtmlTagDescriptor => ({ tag: "link", attrs: { rel: "modulepreload", crossorigin: true, href: `/${chunk.fileName}` }, injectTo: "head" }),
        );
      },
    },
  };
}

/**
 * Every function of the first page's chunks (the entry, React and the list) runs before the list
 * is on screen. Chromium's explicit compile hint, a first line `//# allFunctionsCalledOnLoad`,
 * has V8 compile them all on a background thread while the file streams in, instead of one by one
 * on the main thread at first call. The pages loaded later keep V8's lazy default. The line is
 * added after hashing; it is the same for every build, so a file's name still names its content.
 */
function compileHintsForFirstPage(module: string): Plugin {
  return {
    name: "compile-hints-for-first-page",
    apply: "build",
    // after Vite's own post-processing, which puts its preload helper at the top of the chunk
    enforce: "post",
    generateBundle: {
      order: "post",
      handler(_options, bundle) {
        const entries = Object.values(bundle).flatMap((c) => (c.type === "chunk" && c.isEntry ? [c] : []));
        for (const chunk of [...entries, ...chunkClosure(bundle, module)]) chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
      },
    },
  };
}

const firstPage = path.join(here, "src/render-app.tsx");

/** The browser app: web/ in, dist/web/ out (served by the api at /). */
export default defineConfig({
  root: here,
  base: "/",
  plugins: [react(), preloadFromHtml(firstPage), compileHintsForFirstPage(firstPage)],
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
