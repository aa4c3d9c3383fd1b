import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import { createAccount, findAccountByApiKey } from "../accounts/account.repository.js";
import type { Database } from "../db/database.js";

/**
 * The demo account `npm start` prints a key for. Keys are stored hashed, so the plain key is kept
 * in DATA_DIR (development only, mode 0600) to print the same key on every start.
 */
export async function ensureDemoAccount(db: Kysely<Database>, dataDir: string): Promise<{ accountId: string; apiKey: string; created: boolean }> {
  const file = path.resolve(dataDir, "demo-api-key");
  const saved = await readFile(file, "utf8").then((s) => s.trim(), () => "");
  if (saved) {
    const account = await findAccountByApiKey(db, saved);
    if (account) return { accountId: account.accountId, apiKey: saved, created: false };
  }
  const created = await createAccount(db, "Demo Brokerage");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, created.apiKey + "\n", { mode: 0o600 });
  return { accountId: created.account.id, apiKey: created.apiKey, created: true };
}
