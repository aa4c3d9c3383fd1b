import { defineConfig } from "vitest/config";

// The browser suite on its own (`npm run test:web`); `npm test` runs it too, with the rest.
export default defineConfig({
  test: { include: ["test/web/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 300_000, pool: "forks", maxWorkers: 1 },
});
