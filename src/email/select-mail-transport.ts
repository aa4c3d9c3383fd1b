import type { Env } from "../config/env.js";
import type { Logger } from "../log/logger.js";
import { dkimFromEnv } from "./dkim.js";
import type { MailTransport } from "./mail-transport.js";
import { createOutboxTransport } from "./outbox-transport.js";
import { createSmtpTransport } from "./smtp-transport.js";

type MailEnv = Pick<Env, "ENVIRONMENT" | "SMTP_URL" | "DATA_DIR" | "DKIM_DOMAIN" | "DKIM_SELECTOR" | "DKIM_PRIVATE_KEY">;

/** SMTP when SMTP_URL is set, otherwise (development only) the `.eml` outbox under DATA_DIR. */
export function createMailTransport(env: MailEnv, logger: Logger): MailTransport {
  const dkim = dkimFromEnv(env);
  if (env.SMTP_URL !== undefined) {
    const transport = createSmtpTransport({ url: env.SMTP_URL, dkim, logger });
    logger.info({ provider: transport.provider, dkim: dkim ? `${dkim.keySelector}._domainkey.${dkim.domainName}` : false }, "email via SMTP");
    return transport;
  }
  if (env.ENVIRONMENT === "production") {
    throw new Error("SMTP_URL: is required when ENVIRONMENT=production");
  }
  logger.info({ dir: `${env.DATA_DIR}/outbox` }, "email: SMTP_URL not set, writing .eml files to the outbox");
  return createOutboxTransport({ dataDir: env.DATA_DIR, logger, dkim });
}
