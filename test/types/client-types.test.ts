import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const tsc = (file: string) =>
  run("npx", ["tsc", "--noEmit", "--strict", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", file]).then(
    () => ({ code: 0, out: "" }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );

describe("typed client (tsc on small consumer files)", () => {
  it("a correct consumer compiles", async () => {
    const result = await tsc("test/types/client-consumer.ts");
    expect(result.out).toBe("");
    expect(result.code).toBe(0);
  }, 120_000);

  it("wrong input types and unknown procedures fail to compile, each on its own line", async () => {
    const result = await tsc("test/types/client-consumer-wrong.ts");
    expect(result.code).not.toBe(0);
    for (const line of [7, 8, 9, 10]) expect(result.out).toContain(`client-consumer-wrong.ts(${line},`);
  }, 120_000);
});
