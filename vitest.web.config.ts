import { defineConfig } from "vitest/config";

// The browser suite on its own (`npm run test:web`); npm test leaves it out until it has passed here.
export default defineConfig({
  test: { include: ["test/web/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 300_000, pool: "forks", maxWorkers: 1 },
});
