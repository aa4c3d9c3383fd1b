import { spawnSync } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseEnv, reportLinkKeys, requireSigningSecrets, unsubscribeKeys } from "../../src/config/env.js";
import { withDevelopmentSecrets } from "../../src/dev/development-secrets.js";

const GOOD_LINK = "a-good-report-link-secret-0123456789abcdef";
const GOOD_UNSUB = "a-good-unsubscribe-secret-0123456789abcdef";

describe("signing secrets: no built-in fallback in any mode", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const d = await mkdtemp(path.join(tmpdir(), "mr-secrets-"));
    dirs.push(d);
    return d;
  };

  it("api and worker refuse to start without them, whatever ENVIRONMENT says (a staging deploy that forgot it)", () => {
    for (const environment of [{}, { ENVIRONMENT: "development" }]) {
      const env = parseEnv(environment);
      expect(() => requireSigningSecrets(env)).toThrow(ConfigError);
      expect(() => requireSigningSecrets(env)).toThrow(/REPORT_LINK_SECRET: is required[\s\S]*UNSUBSCRIBE_SECRET: is required/);
      expect(() => reportLinkKeys(env)).toThrow(/REPORT_LINK_SECRET/);
      expect(() => unsubscribeKeys(env)).toThrow(/UNSUBSCRIBE_SECRET/);
    }
    expect(() => parseEnv({ ENVIRONMENT: "production" })).toThrow(/REPORT_LINK_SECRET: is required when ENVIRONMENT=production/);
    expect(() => requireSigningSecrets(parseEnv({ REPORT_LINK_SECRET: GOOD_LINK, UNSUBSCRIBE_SECRET: GOOD_UNSUB }))).not.toThrow();
  });

  it("the api and worker commands exit 1 naming the missing secrets, before touching anything", async () => {
    const bare = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/(_SECRET|_URL|ENVIRONMENT|^S3_|^AMQP_)/.test(k)));
    for (const command of ["api", "worker"]) {
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/commands/cli.ts", command], {
        env: { ...bare, DATA_DIR: await dataDir(), LOG_LEVEL: "silent" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status, `${command}: ${run.stderr}`).toBe(1);
      expect(run.stderr).toContain("REPORT_LINK_SECRET: is required");
      expect(run.stderr).toContain("UNSUBSCRIBE_SECRET: is required");
    }
  }, 120_000);

  it("refuses short values, placeholders, one secret for both kinds of link — without echoing the value", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ UNSUBSCRIBE_SECRET: "only-twenty-six-characters" }, /UNSUBSCRIBE_SECRET: must be at least 32 bytes/],
      [{ REPORT_LINK_SECRET: "change-me-change-me-change-me-change-me" }, /REPORT_LINK_SECRET: is a placeholder/],
      [{ UNSUBSCRIBE_SECRET: "development-only-unsubscribe-secret-but-longer" }, /UNSUBSCRIBE_SECRET: is a placeholder/],
      [{ REPORT_LINK_SECRET_PREVIOUS: "x".repeat(40) }, /REPORT_LINK_SECRET_PREVIOUS: is a placeholder/],
      [{ UNSUBSCRIBE_SECRET_PREVIOUS: "<your-unsubscribe-secret-goes-right-here>" }, /UNSUBSCRIBE_SECRET_PREVIOUS: is a placeholder/],
      [{ REPORT_LINK_SECRET: GOOD_UNSUB, UNSUBSCRIBE_SECRET: GOOD_UNSUB }, /REPORT_LINK_SECRET: must differ from UNSUBSCRIBE_SECRET/],
    ];
    for (const [source, message] of cases) {
      let error: unknown;
      try {
        parseEnv(source);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(source)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      for (const value of Object.values(source)) expect((error as Error).message).not.toContain(value);
    }
  });

  it("keeps the previous secret for verification only", () => {
    const keys = reportLinkKeys(parseEnv({ REPORT_LINK_SECRET: GOOD_LINK, REPORT_LINK_SECRET_PREVIOUS: "the-previous-report-link-secret-0123456789" }));
    expect(keys.signing).toBe(GOOD_LINK);
    expect(keys.verifying).toEqual([GOOD_LINK, "the-previous-report-link-secret-0123456789"]);
  });

  it("dev generates each missing secret once per DATA_DIR, mode 0600, and keeps it across starts", async () => {
    const dir = await dataDir();
    const first = await withDevelopmentSecrets(parseEnv({ DATA_DIR: dir }));
    const again = await withDevelopmentSecrets(parseEnv({ DATA_DIR: dir }));
    const elsewhere = await withDevelopmentSecrets(parseEnv({ DATA_DIR: await dataDir() }));
    expect(first.REPORT_LINK_SECRET).toBeDefined();
    expect(first.UNSUBSCRIBE_SECRET).toBeDefined();
    expect(first.REPORT_LINK_SECRET).not.toBe(first.UNSUBSCRIBE_SECRET);
    expect(Buffer.byteLength(first.REPORT_LINK_SECRET!)).toBeGreaterThanOrEqual(32);
    expect([again.REPORT_LINK_SECRET, again.UNSUBSCRIBE_SECRET]).toEqual([first.REPORT_LINK_SECRET, first.UNSUBSCRIBE_SECRET]);
    expect(elsewhere.REPORT_LINK_SECRET).not.toBe(first.REPORT_LINK_SECRET);
    for (const name of ["report_link_secret", "unsubscribe_secret"]) {
      expect((await stat(path.join(dir, "secrets", name))).mode & 0o777, name).toBe(0o600);
    }
    expect(() => requireSigningSecrets(first)).not.toThrow();
  });

  it("dev uses configured secrets as they are, and refuses a kept file someone shortened", async () => {
    const dir = await dataDir();
    const configured = await withDevelopmentSecrets(parseEnv({ DATA_DIR: dir, REPORT_LINK_SECRET: GOOD_LINK, UNSUBSCRIBE_SECRET: GOOD_UNSUB }));
    expect([configured.REPORT_LINK_SECRET, configured.UNSUBSCRIBE_SECRET]).toEqual([GOOD_LINK, GOOD_UNSUB]);
    await withDevelopmentSecrets(parseEnv({ DATA_DIR: dir }));
    await writeFile(path.join(dir, "secrets", "unsubscribe_secret"), "short\n");
    await expect(withDevelopmentSecrets(parseEnv({ DATA_DIR: dir }))).rejects.toThrow(/unsubscribe_secret: is not a usable UNSUBSCRIBE_SECRET/);
  });
});
