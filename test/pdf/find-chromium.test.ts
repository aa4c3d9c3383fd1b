import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChromiumNotFoundError, findChromium, isHeadlessShell } from "../../src/pdf/find-chromium.js";

const dir = mkdtempSync(path.join(tmpdir(), "find-chromium-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const full = path.join(dir, name);
  writeFileSync(full, "#!/bin/sh\n");
  chmodSync(full, mode);
  return full;
}

describe("findChromium", () => {
  it("returns CHROMIUM_PATH when it is an executable file", () => {
    const exe = file("my-chrome", 0o755);
    expect(findChromium({ CHROMIUM_PATH: exe, PATH: "" }, [])).toBe(exe);
  });

  it("fails naming CHROMIUM_PATH when it does not exist", () => {
    const missing = path.join(dir, "nope");
    expect(() => findChromium({ CHROMIUM_PATH: missing }, [])).toThrow(ChromiumNotFoundError);
    expect(() => findChromium({ CHROMIUM_PATH: missing }, [])).toThrow(/CHROMIUM_PATH: .*nope is not an executable file/);
  });

  it("fails when CHROMIUM_PATH is a file that cannot be executed", () => {
    const plain = file("not-executable", 0o644);
    expect(() => findChromium({ CHROMIUM_PATH: plain }, [])).toThrow(ChromiumNotFoundError);
  });

  it("takes the first well-known path that exists before looking on PATH", () => {
    const known = file("known-chromium", 0o755);
    const onPath = mkdtempSync(path.join(dir, "bin-"));
    writeFileSync(path.join(onPath, "chromium"), "");
    chmodSync(path.join(onPath, "chromium"), 0o755);
    expect(findChromium({ PATH: onPath }, [path.join(dir, "absent"), known])).toBe(known);
  });

  it("finds a browser on PATH, skipping files that are not executable", () => {
    const first = mkdtempSync(path.join(dir, "bin-"));
    const second = mkdtempSync(path.join(dir, "bin-"));
    writeFileSync(path.join(first, "chromium"), "");
    chmodSync(path.join(first, "chromium"), 0o644);
    writeFileSync(path.join(second, "google-chrome"), "");
    chmodSync(path.join(second, "google-chrome"), 0o755);
    expect(findChromium({ PATH: [first, second].join(path.delimiter) }, [])).toBe(path.join(second, "google-chrome"));
  });

  it("returns undefined when nothing is installed", () => {
    expect(findChromium({ PATH: mkdtempSync(path.join(dir, "empty-")) }, [])).toBeUndefined();
  });

  it("treats a blank CHROMIUM_PATH as unset", () => {
    expect(findChromium({ CHROMIUM_PATH: "  ", PATH: "" }, [])).toBeUndefined();
  });

  it("recognises the headless shell by its file name", () => {
    expect(isHeadlessShell("/usr/lib/chromium/chromium-headless-shell")).toBe(true);
    expect(isHeadlessShell("/opt/chrome-headless-shell-linux64/chrome-headless-shell")).toBe(true);
    expect(isHeadlessShell("/usr/bin/chromium")).toBe(false);
  });
});
