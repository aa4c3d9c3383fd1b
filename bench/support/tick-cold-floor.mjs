// The floor for bench:tick-cold: a bare Node script doing only what any tick must — connect to
// Postgres and RabbitMQ, run the due query as the system role, disconnect — with nothing of ours.
import amqp from "amqplib";
import pg from "pg";

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
const [connection] = await Promise.all([amqp.connect(process.env.AMQP_URL), client.connect()]);
await client.query("BEGIN");
await client.query("SELECT set_config('role', 'market_reports_system', true)");
const { rows } = await client.query(
  "SELECT count(*)::int AS due FROM schedules WHERE active AND next_run_at <= now()",
);
await client.query("COMMIT");
await Promise.all([connection.close(), client.end()]);
process.stdout.write(JSON.stringify({ due: rows[0].due }) + "\n");
