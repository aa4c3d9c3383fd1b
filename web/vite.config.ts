import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type HtmlTagDescriptor, type Plugin } from "vite";

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

/** The browser app: web/ in, dist/web/ out (served by the api at /). */
export default defineConfig({
  root: here,
  base: "/",
  plugins: [react(), preloadFromHtml(path.join(here, "src/render-app.tsx"))],
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
