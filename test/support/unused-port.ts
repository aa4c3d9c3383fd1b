import net from "node:net";

/** A port nothing listens on: bound once to get it from the OS, then released. */
export async function unusedPort(): Promise<number> {
  return (await unusedPorts(1))[0]!;
}

/**
 * `count` different ports nothing listens on. All are held until every one is chosen: probing one
 * at a time, the OS may hand back a port it just released, and two servers would then collide.
 */
export async function unusedPorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => net.createServer());
  await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))));
  const ports = probes.map((probe) => (probe.address() as net.AddressInfo).port);
  await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.close(() => resolve()))));
  return ports;
}
