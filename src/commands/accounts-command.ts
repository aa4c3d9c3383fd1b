import type { AccountArgs } from "./account-flags.js";
import { requireValue, UsageError } from "./command-args.js";
import type { Env } from "../config/env.js";
import { openDatabase } from "../db/open-database.js";
import { createLogger } from "../log/logger.js";
import { idField } from "../validation/field-rules.js";
import { createAccount, createApiKey, revokeApiKey } from "../accounts/account.repository.js";

export async function runAccountsCommand(command: "accounts" | "keys", args: AccountArgs, env: Env): Promise<number> {
  const action = args.positionals[0];
  const logger = createLogger(env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL);
  if (command === "accounts" && action !== "create") throw new UsageError('accounts: expected "accounts create --name <name>"');
  if (command === "keys" && action !== "create" && action !== "revoke") {
    throw new UsageError('keys: expected "keys create --account <id>" or "keys revoke --key-prefix <prefix>"');
  }
  const name = command === "accounts" ? requireValue(args.values.name, "name") : undefined;
  if (name !== undefined && name.length > 200) throw new UsageError("--name must be 1 to 200 characters");
  const accountId = command === "keys" && action === "create" ? requireValue(args.values.account, "account") : undefined;
  if (accountId !== undefined && !idField("account").safeParse(accountId).success) throw new UsageError("--account must be an account id (UUID)");
  const prefix = command === "keys" && action === "revoke" ? requireValue(args.values["key-prefix"], "key-prefix") : undefined;

  const handle = await openDatabase(env, logger, { poolSize: 1, applicationName: "market-reports-cli" });
  try {
    if (name !== undefined) {
      const created = await createAccount(handle.db, name);
      console.log(`account_id: ${created.account.id}\napi_key:    ${created.apiKey}\n(the key is shown once; store it now)`);
      return 0;
    }
    if (accountId !== undefined) {
      const created = await createApiKey(handle.db, accountId);
      if (!created) {
        console.error(`No account with id ${accountId}.`);
        return 1;
      }
      console.log(`api_key: ${created.apiKey}\n(the key is shown once; store it now)`);
      return 0;
    }
    const revoked = await revokeApiKey(handle.db, prefix!);
    if (revoked === 0) {
      console.error(`No live key with prefix ${prefix}.`);
      return 1;
    }
    console.log(`Revoked ${revoked} key(s) with prefix ${prefix}.`);
    return 0;
  } finally {
    await handle.close();
  }
}
