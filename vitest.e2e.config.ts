import { defineConfig } from "vitest/config";

/**
 * `npm run test:e2e`: the full end-to-end fault suite (real processes, 1,000 schedules per
 * scenario). One file at a time: scenarios start processes that load both cores. (The Postgres
 * restart scenario restarts a server of its own, not the machine's.)
 */
export default defineConfig({
  test: {
    include: ["test/e2e/full/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
