import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError, envSchema, type Env } from "../config/env.js";

const GENERATED = ["REPORT_LINK_SECRET", "UNSUBSCRIBE_SECRET"] as const;

/**
 * `dev` only: each signing secret not set in the environment is generated once per DATA_DIR and
 * kept there (mode 0600), so links in mail already written to the outbox keep working across
 * restarts, and no two machines share a key anyone could read in the source. Every other command
 * requires the secrets to be set (requireSigningSecrets).
 */
export async function withDevelopmentSecrets(env: Env): Promise<Env> {
  const missing = GENERATED.filter((key) => env[key] === undefined);
  if (missing.length === 0) return env;
  const generated: Partial<Record<(typeof GENERATED)[number], string>> = {};
  for (const key of missing) {
    const file = path.resolve(env.DATA_DIR, "secrets", key.toLowerCase());
    const value = env.DATA_DIR === "memory://" ? newSecret() : await secretInDataDir(file);
    // a kept file someone edited passes the same rules as a configured value, or start-up stops
    if (!envSchema.shape[key].safeParse(value).success) {
      throw new ConfigError([`${file}: is not a usable ${key} (delete it and a new one is generated)`]);
    }
    generated[key] = value;
  }
  return { ...env, ...generated };
}

function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

async function secretInDataDir(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, newSecret() + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
    // a file another process or an older version made: readable by its owner only, like ours
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  }
  return (await readFile(file, "utf8")).trim();
}
