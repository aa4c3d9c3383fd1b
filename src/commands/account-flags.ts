import type { parseCommandArgs } from "./command-args.js";

/** The flags of `accounts create` and `keys create|revoke`; kept apart so `cli.ts` loads no database code to parse them. */
export const ACCOUNT_FLAGS = {
  name: { type: "string" },
  account: { type: "string" },
  "key-prefix": { type: "string" },
} as const;

export type AccountArgs = ReturnType<typeof parseCommandArgs<typeof ACCOUNT_FLAGS>>;
