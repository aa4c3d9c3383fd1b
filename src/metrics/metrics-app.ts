import express, { type Express } from "express";
import type { Registry } from "prom-client";

/**
 * /metrics alone, for the api's internal METRICS_PORT: what Prometheus scrapes never shares a
 * port with the API, so the Service and Ingress that publish the API cannot publish it.
 */
export function createMetricsApp(registry: Registry): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.use((_req, res) => {
    res.status(404).json({ error: "not_found", message: "Only /metrics is served on this port" });
  });
  return app;
}
