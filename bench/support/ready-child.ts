import { spawn, type ChildProcess } from "node:child_process";

/**
 * Runs a benchmark's support script in a Node process of its own (through tsx) and resolves once
 * it prints "ready", with what followed the word on that line (a URL, say); rejects if it exits
 * first. Its stdin and stdout stay piped for the benchmark to talk to it; its stderr is ours.
 */
export function startReadyChild(script: string, args: string[]): Promise<{ child: ChildProcess; ready: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${script} exited with ${code} before it was ready`));
    const onData = (d: Buffer) => {
      const line = /(?:^|\n)ready\b ?([^\n]*)/.exec(d.toString());
      if (!line) return;
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
      resolve({ child, ready: line[1]!.trim() });
    };
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}
