/**
 * bench:tick-cold — wall time of a whole `market-reports tick` process with nothing due: start
 * Node, load the tick, connect to Postgres and RabbitMQ, declare the topology, look, exit. What
 * a CronJob pod pays every minute.
 *
 *   ours:    `node dist/bundle/cli.js tick`, what the image runs: the esbuild bundle `npm run build`
 *            makes (scripts/bundle-cli.ts, rebuilt here first unless --no-build; tsx when bundling
 *            fails), nothing due, with V8's compile cache as the image has it (NODE_COMPILE_CACHE,
 *            filled by the unmeasured first run; --no-compile-cache leaves it out, as for a pod on
 *            a CPU other than the one the image was built on).
 *   ceiling: the floor — a bare Node script (bench/support/tick-cold-floor.mjs) that only connects
 *            to both services and runs the due query.
 * Both run --runs times (default 9), interleaved; medians. unit ms, so vs_ceiling = ours ÷ floor.
 *
 * Usage: npx tsx bench/tick-cold.ts [--runs 9] [--no-build] [--no-compile-cache]
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BUNDLE_DIR, bundleCli } from "../scripts/bundle-cli.js";
import {
  BENCH_AMQP_URL,
  createScratchDatabase,
  deleteScratchTopologies,
  scratchPrefix,
} from "./support/tick-fixtures.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 9;
const COMPILE_CACHE = !process.argv.includes("--no-compile-cache");
const log = (msg: string) => process.stderr.write(`[bench:tick-cold] ${msg}\n`);

const BUNDLED_CLI = path.join(BUNDLE_DIR, "cli.js");

async function build(): Promise<string[]> {
  if (process.argv.includes("--no-build") && existsSync(BUNDLED_CLI)) return [BUNDLED_CLI, "tick"];
  try {
    await bundleCli();
    return [BUNDLED_CLI, "tick"];
  } catch (err) {
    log(`bundling failed, measuring through tsx instead: ${String(err).slice(0, 300)}`);
    return ["--import", "tsx", path.join(root, "src/commands/cli.ts"), "tick"];
  }
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${err || out}`));
      else if (!/"due":0/.test(out)) reject(new Error(`unexpected output: ${out}`));
      else resolve(ms);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const tickArgs = await build();
  const scratch = await createScratchDatabase("cold", 1);
  const prefix = scratchPrefix("cold");
  const cacheDir = mkdtempSync(path.join(tmpdir(), "mr-bench-compile-cache-"));
  try {
    const { NODE_COMPILE_CACHE: _unused, ...inherited } = process.env;
    const env = {
      ...inherited,
      DATABASE_URL: scratch.url,
      AMQP_URL: BENCH_AMQP_URL,
      AMQP_PREFIX: prefix,
      LOG_LEVEL: "info",
      NODE_ENV: "production",
    };
    const oursEnv = COMPILE_CACHE ? { ...env, NODE_COMPILE_CACHE: cacheDir } : env;
    const floorArgs = [path.join(root, "bench/support/tick-cold-floor.mjs")];
    // One unmeasured run each: the topology gets declared, the OS caches the files, ours fills
    // its compile cache.
    await timeProcess(tickArgs, oursEnv);
    await timeProcess(floorArgs, env);
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await timeProcess(tickArgs, oursEnv));
      floor.push(await timeProcess(floorArgs, env));
    }
    const o = median(ours);
    const f = median(floor);
    log(`ours ${ours.map((x) => x.toFixed(0)).join(" ")} ms; floor ${floor.map((x) => x.toFixed(0)).join(" ")} ms`);
    console.log(
      JSON.stringify({
        bench: "tick-cold",
        unit: "ms",
        ours: Math.round(o),
        ceiling: Math.round(f),
        reference: null,
        vs_ceiling: Math.round((o / f) * 100) / 100,
        vs_reference: null,
        runs: RUNS,
        entry: tickArgs.includes("tsx") ? "tsx src/commands/cli.ts tick" : "node dist/bundle/cli.js tick",
        compile_cache: COMPILE_CACHE,
        ours_min: Math.round(Math.min(...ours)),
        floor_min: Math.round(Math.min(...floor)),
      }),
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    await deleteScratchTopologies([prefix]).catch((e) => log(`cleanup (broker): ${e.message}`));
    await scratch.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
