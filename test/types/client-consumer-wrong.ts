// Compiled by test/types/client-types.test.ts: every line below must fail to type-check.
import { createClient } from "../../src/client.js";

const api = createClient({ url: "http://localhost:3000/trpc" });

export async function wrong() {
  await api.schedules.create.mutate({ name: "x", report_type: "market_snapshot", cadence: "weekly", weekly_dow: "monday", recipients: ["a@example.com"] });
  await api.schedules.get.query({ id: 42 });
  await api.schedules.list.query({ limit: "many" });
  await api.schedules.nonexistent.query();
}
