// Compiled by test/types/client-types.test.ts, never run: proves the exported client is typed.
import { createClient } from "../../src/client.js";

const api = createClient({ url: "http://localhost:3000/trpc", apiKey: "mr_x" });

export async function usesTheClientCorrectly() {
  const created = await api.schedules.create.mutate({
    name: "Weekly",
    report_type: "market_snapshot",
    city: "San Diego",
    cadence: "weekly",
    weekly_dow: 1,
    recipients: ["a@example.com"],
  });
  const nextRun: string | null = created.next_run_at;
  const { schedules, next_cursor } = await api.schedules.list.query({ active_only: false, limit: 10 });
  return [nextRun, schedules.length, next_cursor];
}
