import net from "node:net";

/**
 * Suites that need a real service call this. Under CI a missing service is a failure; elsewhere
 * the suite skips with one line saying what to start.
 */
export async function serviceAvailable(name: string, host: string, port: number, startHint: string): Promise<boolean> {
  const up = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!up) {
    if (process.env.CI) throw new Error(`${name} is not reachable at ${host}:${port} (CI requires it). Start it: ${startHint}`);
    console.warn(`skipping: ${name} is not reachable at ${host}:${port}; start it with: ${startHint}`);
  }
  return up;
}

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const AMQP_URL = process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export const postgresUp = () =>
  serviceAvailable(
    "PostgreSQL",
    new URL(POSTGRES_URL).hostname,
    Number(new URL(POSTGRES_URL).port || 5432),
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  );

export const rabbitUp = () =>
  serviceAvailable("RabbitMQ", new URL(AMQP_URL).hostname, Number(new URL(AMQP_URL).port || 5672), "rabbitmq-server -detached");
