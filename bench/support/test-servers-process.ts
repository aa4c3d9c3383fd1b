import { startS3Server } from "../../test/support/s3-server.js";
import { startSmtpServer } from "../../test/support/smtp-server.js";

/**
 * The stand-ins for S3 and the SMTP relay (s3rver, smtp-server) in a process of their own, as the
 * real services would be: in the benchmark's process they would share the worker's event loop.
 * With a latency, each upload and each message's end is answered that many milliseconds late, as
 * services across a network would. Prints one JSON line with where they listen; on "count" prints
 * how many emails arrived.
 *   bench/support/test-servers-process.ts <bucket> [latencyMs]
 */
const [bucket, latency] = process.argv.slice(2);
const latencyMs = Number(latency ?? 0);
const s3 = await startS3Server(bucket, { uploadLatencyMs: latencyMs });
const smtp = await startSmtpServer(latencyMs ? { beforeAnswer: () => new Promise((resolve) => setTimeout(resolve, latencyMs)) } : {});
process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket, url: smtp.url })}\n`);
process.stdin.setEncoding("utf8");
process.stdin.on("data", (line: string) => {
  if (line.includes("count")) process.stdout.write(`${JSON.stringify({ emails: smtp.received.length })}\n`);
});
process.stdin.on("end", () => {
  void Promise.all([smtp.close(), s3.close()]).then(() => process.exit(0));
});
