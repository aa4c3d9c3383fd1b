import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../scripts/image");

/** The project's podman settings (runtime, ulimits, no registries), whoever starts the test. */
const PODMAN_ENV = {
  ...process.env,
  CONTAINERS_CONF: path.join(SCRIPTS, "containers.conf"),
  CONTAINERS_REGISTRIES_CONF: path.join(SCRIPTS, "registries.conf"),
};

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function podman(args: string[], timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile("podman", args, { env: PODMAN_ENV, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function podmanOk(args: string[], timeoutMs?: number): Promise<string> {
  const result = await podman(args, timeoutMs);
  if (result.code !== 0) throw new Error(`podman ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/**
 * What a cluster's pod security asks of the containers: read-only root file system with a
 * writable /tmp (and /dev/shm, which podman mounts by itself), every capability dropped, no
 * privilege escalation, the image's own user. Host networking: the containers reach this
 * machine's Postgres, RabbitMQ and the test's SMTP and S3 servers on loopback.
 */
export const CLUSTER_FLAGS = [
  "--network=host",
  "--read-only",
  "--tmpfs=/tmp:rw,nosuid,nodev,size=512m,mode=1777",
  "--cap-drop=ALL",
  "--security-opt=no-new-privileges",
];

export const envFlags = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `--env=${k}=${v}`);
