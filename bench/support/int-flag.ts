/**
 * `--name N` from the benchmark's command line, or `fallback`. A value that is not a whole number
 * of at least `min` stops the benchmark with a message naming the flag, rather than measuring
 * something nobody asked for.
 */
export function intFlag(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(process.argv[i + 1])}`);
  return n;
}
