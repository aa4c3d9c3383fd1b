import { defineConfig } from "vitest/config";

/**
 * `npm run test:image`: the container image's smoke test (test/image/), run by
 * scripts/image/test-image.sh once it has built the image. One file, one process.
 */
export default defineConfig({
  test: {
    include: ["test/image/**/*.test.ts"],
    testTimeout: 10 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
