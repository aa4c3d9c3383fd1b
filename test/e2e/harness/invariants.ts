import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../src/db/database.js";
import { FINAL_RUN_STATUSES } from "../../../src/db/enums.js";
import type { BrokerHandle } from "./broker.js";
import type { S3Server } from "../../support/s3-server.js";
import type { Seed } from "./seed-schedules.js";
import { normalizeMessageId, type ParsedEmail, type SmtpRecorder } from "./smtp-recorder.js";

const run = promisify(execFile);

export interface RunRow {
  id: string;
  schedule_id: string;
  scheduled_for: Date;
  kind: string;
  status: string;
  error: string | null;
  attempts: number;
}

export interface Expectations {
  /** Addresses the SMTP server refuses for good (550): no email, a `failed` row with the code. */
  rejectedAddresses?: ReadonlySet<string>;
  /**
   * Runs that may end `failed` or `partial` (their cause outlived the retry limit), judged by
   * their recorded reason. By default none may, beyond what rejected addresses and unknown
   * outcomes explain.
   */
  mayFail?: (run: RunRow) => boolean;
  /**
   * A worker killed mid-send leaves its recipient `sending` and that run `partial`; the design
   * does not resend (at most one email). When true such rows are reported, not violations.
   */
  unknownOutcomesExpected?: boolean;
  /** PDFs read back with pdftotext (default 3). */
  pdfTextSamples?: number;
  /** Report links followed through the API to the stored PDF (default 2). */
  linkSamples?: number;
  /** Runs outside the seeded schedules (manual runs a scenario asked the API for); it checks them itself. */
  otherRuns?: ReadonlySet<string>;
}

export interface UnknownOutcome {
  runId: string;
  recipient: string;
  /** Whether the SMTP server had accepted the message before the worker died. */
  received: boolean;
}

export interface InvariantReport {
  violations: string[];
  schedules: number;
  runs: number;
  statuses: Record<string, number>;
  expectedEmails: number;
  received: number;
  sentRows: number;
  suppressedRows: number;
  failedRows: number;
  /** (run, recipient) pairs that got more than one email. */
  duplicates: number;
  /** Non-suppressed (schedule, recipient) pairs that got no email, for whatever reason. */
  lost: number;
  unknownOutcomes: UnknownOutcome[];
  /**
   * Runs that ended `partial` for "an unknown outcome" although every recipient's row ended
   * `sent`: a second worker finished the run while the first (its broker connection gone) was
   * still sending. Reported when unknown outcomes are expected, a violation otherwise.
   */
  staleStatuses: string[];
  failedRuns: { runId: string; status: string; error: string | null }[];
  deadLetters: number;
  pdfsChecked: number;
}

export interface InvariantContext {
  db: Kysely<Database>;
  seed: Seed;
  smtp: SmtpRecorder;
  s3: S3Server;
  broker: BrokerHandle;
  /** The API's base URL, to follow report links; absent when no API runs. */
  apiUrl?: string;
}

const MAX_LISTED = 20;

/**
 * Every promise the system makes about one scenario, checked from the outside: the database
 * (as the owner), what the SMTP server accepted, what the bucket holds and what the broker still
 * has. Call it once every run is final and the workers are stopped (so no delivery is in flight
 * and unacknowledged messages are back in their queues). Returns violations instead of throwing,
 * so a test can print the whole picture before failing.
 */
export async function checkInvariants(ctx: InvariantContext, expect: Expectations = {}): Promise<InvariantReport> {
  const { db, seed, smtp, s3, broker } = ctx;
  const violations: string[] = [];
  const violate = (group: string, items: string[]) => {
    if (items.length === 0) return;
    violations.push(`${group}: ${items.length} — ${items.slice(0, MAX_LISTED).join("; ")}${items.length > MAX_LISTED ? " …" : ""}`);
  };
  const rejected = expect.rejectedAddresses ?? new Set<string>();
  const otherRuns = expect.otherRuns ?? new Set<string>();
  const mayFail = expect.mayFail ?? (() => false);
  const scheduleIds = seed.schedules.map((s) => s.id);

  // 1. Exactly one run per (schedule, slot), in a final state; each schedule moved past the slot.
  const runs = (
    await sql<RunRow>`
      SELECT id, schedule_id, scheduled_for, kind, status, error, attempts
      FROM schedule_runs WHERE schedule_id = ANY(${scheduleIds}::uuid[])`.execute(db)
  ).rows;
  const runsBySchedule = new Map<string, RunRow[]>();
  for (const r of runs) runsBySchedule.set(r.schedule_id, [...(runsBySchedule.get(r.schedule_id) ?? []), r]);
  const schedulesNow = (
    await sql<{ id: string; next_run_at: Date }>`SELECT id, next_run_at FROM schedules WHERE id = ANY(${scheduleIds}::uuid[])`.execute(db)
  ).rows;
  const nextRun = new Map(schedulesNow.map((s) => [s.id, s.next_run_at]));
  const missing: string[] = [];
  const doubled: string[] = [];
  const stray: string[] = [];
  const notFinal: string[] = [];
  const notAdvanced: string[] = [];
  const runOf = new Map<string, RunRow>();
  for (const s of seed.schedules) {
    const mine = runsBySchedule.get(s.id) ?? [];
    const forSlot = mine.filter((r) => r.kind === "scheduled" && r.scheduled_for.getTime() === s.slot.getTime());
    if (forSlot.length === 0) missing.push(`schedule ${s.index}`);
    if (forSlot.length > 1) doubled.push(`schedule ${s.index} has ${forSlot.length} runs`);
    for (const r of mine) if (!forSlot.includes(r)) stray.push(`schedule ${s.index}: ${r.kind} run for ${r.scheduled_for.toISOString()}`);
    for (const r of forSlot) {
      runOf.set(s.id, r);
      if (!FINAL_RUN_STATUSES.includes(r.status as never)) notFinal.push(`run ${r.id} of schedule ${s.index} is ${r.status}`);
    }
    const next = nextRun.get(s.id);
    if (!next || next.getTime() <= s.slot.getTime()) notAdvanced.push(`schedule ${s.index}`);
  }
  violate("due schedules without a run for the slot (lost runs)", missing);
  violate("schedules with more than one run for the slot", doubled);
  violate("unexpected extra runs", stray);
  violate("runs not in a final state", notFinal);
  violate("schedules not advanced past the slot", notAdvanced);

  const scheduleOfRun = new Map([...runOf.entries()].map(([scheduleId, r]) => [r.id, seed.byId.get(scheduleId)!]));
  const statuses: Record<string, number> = {};
  for (const r of runOf.values()) statuses[r.status] = (statuses[r.status] ?? 0) + 1;

  // 2. email_log against what the SMTP server accepted, row for row.
  const logRows = (
    await sql<{ run_id: string | null; recipient: string; status: string; message_id: string | null; response_code: number | null; error: string | null }>`
      SELECT run_id, to_emails[1] AS recipient, status, message_id, response_code, error FROM email_log`.execute(db)
  ).rows;
  const reports = (
    await sql<{ id: string; schedule_run_id: string | null; pdf_key: string | null; status: string }>`
      SELECT id, schedule_run_id, pdf_key, status FROM report_runs`.execute(db)
  ).rows;
  const runOfReport = new Map(reports.map((r) => [r.id, r.schedule_run_id]));
  const reportOfRun = new Map(reports.filter((r) => r.schedule_run_id).map((r) => [r.schedule_run_id!, r]));

  const received = (await smtp.parsed()).filter((m) => {
    const runId = m.reportId ? runOfReport.get(m.reportId) : undefined;
    return !(runId && otherRuns.has(runId));
  });
  const byMessageId = new Map<string, ParsedEmail[]>();
  const byPair = new Map<string, ParsedEmail[]>();
  const pairKey = (runId: string, recipient: string) => `${runId} ${recipient}`;
  const unattributed: string[] = [];
  for (const m of received) {
    byMessageId.set(m.messageId, [...(byMessageId.get(m.messageId) ?? []), m]);
    const runId = m.reportId ? runOfReport.get(m.reportId) : undefined;
    if (!runId || m.to.length !== 1) {
      unattributed.push(`message ${m.messageId} to ${m.to.join(",")} (report ${m.reportId ?? "no link"})`);
      continue;
    }
    const key = pairKey(runId, m.to[0]);
    byPair.set(key, [...(byPair.get(key) ?? []), m]);
  }
  violate("received messages that name no run (no report link, or not one recipient)", unattributed);

  const rowsByPair = new Map<string, (typeof logRows)[number]>();
  const ledgerProblems: string[] = [];
  const unknownOutcomes: UnknownOutcome[] = [];
  const rowMessageIds = new Set<string>();
  let sentRows = 0;
  let suppressedRows = 0;
  let failedRows = 0;
  for (const row of logRows) {
    if (row.run_id && otherRuns.has(row.run_id)) continue;
    if (!row.run_id || !scheduleOfRun.has(row.run_id)) {
      ledgerProblems.push(`email_log row for ${row.recipient} belongs to no run of this scenario`);
      continue;
    }
    const key = pairKey(row.run_id, row.recipient);
    if (rowsByPair.has(key)) ledgerProblems.push(`two email_log rows for ${key}`);
    rowsByPair.set(key, row);
    const got = byPair.get(key) ?? [];
    const mid = normalizeMessageId(row.message_id);
    if (mid) rowMessageIds.add(mid);
    switch (row.status) {
      case "sent": {
        sentRows++;
        const sameId = byMessageId.get(mid) ?? [];
        if (!mid) ledgerProblems.push(`sent row ${key} has no message id`);
        else if (sameId.length !== 1 || sameId[0].to[0] !== row.recipient) {
          ledgerProblems.push(`sent row ${key} (message ${mid}): the SMTP server accepted ${sameId.length} message(s) with that id for that recipient`);
        }
        if (got.length !== 1) ledgerProblems.push(`sent row ${key}: ${got.length} message(s) received`);
        break;
      }
      case "sending":
        unknownOutcomes.push({ runId: row.run_id, recipient: row.recipient, received: got.length > 0 });
        if (got.length > 1) ledgerProblems.push(`sending row ${key}: ${got.length} messages received`);
        break;
      case "failed":
        failedRows++;
        if (got.length > 0) ledgerProblems.push(`failed row ${key}: yet ${got.length} message(s) received`);
        if (!row.error) ledgerProblems.push(`failed row ${key} records no error`);
        if (rejected.has(row.recipient) && row.response_code !== 550) {
          ledgerProblems.push(`failed row ${key} for a rejected address records code ${row.response_code}, not 550`);
        }
        break;
      case "suppressed":
        suppressedRows++;
        if (got.length > 0) ledgerProblems.push(`suppressed row ${key}: yet ${got.length} message(s) received`);
        if (!scheduleOfRun.get(row.run_id)!.suppressed.has(row.recipient)) ledgerProblems.push(`suppressed row ${key}: the address was not suppressed`);
        break;
      default:
        ledgerProblems.push(`row ${key} has status ${row.status}`);
    }
  }
  for (const m of received) {
    const runId = m.reportId ? runOfReport.get(m.reportId) : undefined;
    const row = runId ? rowsByPair.get(pairKey(runId, m.to[0])) : undefined;
    if (!row) ledgerProblems.push(`received message ${m.messageId} to ${m.to.join(",")} has no email_log row`);
    // A `sending` row has no message id yet: the worker died (or lost Postgres) before recording it.
    else if (row.status === "sent" && !rowMessageIds.has(m.messageId)) {
      ledgerProblems.push(`received message ${m.messageId} to ${m.to[0]} is not the one email_log recorded (${row.message_id})`);
    }
  }
  violate("email_log and the SMTP server disagree", ledgerProblems);
  if (!expect.unknownOutcomesExpected) {
    violate(
      "recipients left `sending` (outcome unknown)",
      unknownOutcomes.map((u) => `${u.runId} ${u.recipient} (received: ${u.received})`),
    );
  }

  // 3. Every non-suppressed (run, recipient) got exactly one email; suppressed ones none.
  let duplicates = 0;
  let lost = 0;
  const pairProblems: string[] = [];
  const unexplainedRuns: string[] = [];
  const failedRuns: InvariantReport["failedRuns"] = [];
  const staleStatuses: string[] = [];
  for (const s of seed.schedules) {
    const r = runOf.get(s.id);
    const shortfall: string[] = [];
    for (const recipient of s.recipients) {
      const got = r ? (byPair.get(pairKey(r.id, recipient)) ?? []) : [];
      if (got.length > 1) {
        duplicates++;
        pairProblems.push(`${recipient} received ${got.length} emails for run ${r!.id}`);
      }
      if (s.suppressed.has(recipient)) {
        if (got.length > 0) pairProblems.push(`suppressed ${recipient} received an email`);
        continue;
      }
      if (got.length > 0) continue;
      lost++;
      const row = r ? rowsByPair.get(pairKey(r.id, recipient)) : undefined;
      if (row?.status === "failed" && rejected.has(recipient)) continue;
      if (row?.status === "sending" && expect.unknownOutcomesExpected) continue;
      shortfall.push(`${recipient}: ${row ? `${row.status}${row.error ? ` (${row.error})` : ""}` : "no email_log row"}`);
    }
    if (!r) continue;
    if (r.status === "skipped") {
      if (!s.recipients.every((x) => s.suppressed.has(x))) unexplainedRuns.push(`run ${r.id} skipped with recipients not suppressed`);
      continue;
    }
    if (r.status === "partial" || r.status === "failed") {
      failedRuns.push({ runId: r.id, status: r.status, error: r.error });
      if (!r.error) unexplainedRuns.push(`run ${r.id} is ${r.status} without a reason`);
    }
    if (shortfall.length > 0) {
      if (r.status === "completed") pairProblems.push(`completed run ${r.id} left ${shortfall.join(", ")}`);
      else if (!mayFail(r)) unexplainedRuns.push(`run ${r.id} ${r.status} (${r.error ?? "no reason"}): ${shortfall.join(", ")}`);
    } else if ((r.status === "partial" || r.status === "failed") && !explainedByAddresses(s.recipients, s.suppressed, rejected, r, rowsByPair, expect) && !mayFail(r)) {
      if (expect.unknownOutcomesExpected && r.status === "partial" && /unknown outcome/.test(r.error ?? "")) staleStatuses.push(r.id);
      else unexplainedRuns.push(`run ${r.id} ${r.status}: ${r.error ?? "no reason"}`);
    }
  }
  violate("recipients without exactly one email", pairProblems);
  violate("runs that failed for a reason the scenario does not explain", unexplainedRuns);

  // 4. Each completed or partial run's PDF is in the bucket and is a PDF.
  const pdfProblems: string[] = [];
  const withReport = [...runOf.values()].filter((r) => r.status === "completed" || r.status === "partial");
  const pdfs: { runId: string; key: string; bytes: Buffer }[] = [];
  await forEachLimited(withReport, 8, async (r) => {
    const report = reportOfRun.get(r.id);
    if (!report?.pdf_key) {
      pdfProblems.push(`run ${r.id}: no report with a PDF key`);
      return;
    }
    const bytes = await s3.getObject(report.pdf_key);
    if (!bytes) pdfProblems.push(`run ${r.id}: ${report.pdf_key} is not in the bucket`);
    else if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") pdfProblems.push(`run ${r.id}: ${report.pdf_key} is not a PDF`);
    else pdfs.push({ runId: r.id, key: report.pdf_key, bytes });
  });
  const samples = pdfs.slice(0, expect.pdfTextSamples ?? 3);
  for (const p of samples) {
    const text = await pdfText(p.bytes);
    const s = scheduleOfRun.get(p.runId)!;
    if (!text.includes(s.city) && !s.zips.some((z) => text.includes(z))) pdfProblems.push(`run ${p.runId}: the PDF text names neither ${s.city} nor ${s.zips.join(", ")}`);
  }
  if (ctx.apiUrl) {
    const links = received.filter((m) => m.reportLink).slice(0, expect.linkSamples ?? 2);
    for (const m of links) {
      const problem = await followReportLink(m.reportLink!, ctx.apiUrl);
      if (problem) pdfProblems.push(`report link for ${m.to[0]}: ${problem}`);
    }
  }
  violate("stored reports", pdfProblems);

  // 5. Nothing left in the queues but dead letters, each for a failed run.
  const queueProblems: string[] = [];
  const depths = await broker.depths();
  const waiting = depths.jobs + Object.values(depths.retry).reduce((a, b) => a + b, 0);
  if (waiting > 0) {
    const ids = await broker.waitingRunIds();
    const statusOf = new Map(runs.map((r) => [r.id, r.status]));
    queueProblems.push(`${waiting} message(s) still queued: ${ids.slice(0, MAX_LISTED).map((id) => `${id} (${statusOf.get(id) ?? "unknown run"})`).join(", ")}`);
  }
  const dead = await broker.deadLetters();
  const runById = new Map(runs.map((r) => [r.id, r]));
  for (const d of dead) {
    if (d.runId && otherRuns.has(d.runId)) continue;
    const r = d.runId ? runById.get(d.runId) : undefined;
    if (!r) queueProblems.push(`dead letter ${d.runId ?? "(no id)"} matches no run`);
    else if (r.status !== "failed") queueProblems.push(`dead letter for run ${r.id}, which is ${r.status}`);
    else if (!d.reason) queueProblems.push(`dead letter for run ${r.id} carries no reason`);
  }
  violate("queues", queueProblems);

  return {
    violations,
    schedules: seed.schedules.length,
    runs: runOf.size,
    statuses,
    expectedEmails: seed.expectedEmails,
    received: received.length,
    sentRows,
    suppressedRows,
    failedRows,
    duplicates,
    lost,
    unknownOutcomes,
    staleStatuses,
    failedRuns,
    deadLetters: dead.filter((d) => !(d.runId && otherRuns.has(d.runId))).length,
    pdfsChecked: pdfs.length,
  };
}

/** A partial or failed run whose every unsent recipient is suppressed, rejected or (when expected) of unknown outcome. */
function explainedByAddresses(
  recipients: string[],
  suppressed: Set<string>,
  rejected: ReadonlySet<string>,
  r: RunRow,
  rows: Map<string, { status: string }>,
  expect: Expectations,
): boolean {
  let explained = false;
  for (const recipient of recipients) {
    if (suppressed.has(recipient)) continue;
    const row = rows.get(`${r.id} ${recipient}`);
    if (row?.status === "sent") continue;
    if (row?.status === "failed" && rejected.has(recipient)) explained = true;
    else if (row?.status === "sending" && expect.unknownOutcomesExpected) explained = true;
    else return false;
  }
  return explained;
}

export function describeReport(name: string, r: InvariantReport): string {
  const statuses = Object.entries(r.statuses)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const unknown = r.unknownOutcomes.length
    ? `; unknown outcome (left sending, not resent): ${r.unknownOutcomes.length} (${r.unknownOutcomes.filter((u) => u.received).length} had been received)`
    : "";
  const stale = r.staleStatuses.length ? `; partial for an unknown outcome yet every recipient sent: ${r.staleStatuses.length}` : "";
  const failed = r.failedRuns.length ? `; failed/partial: ${r.failedRuns.slice(0, 5).map((f) => `${f.status} "${f.error}"`).join(" | ")}${r.failedRuns.length > 5 ? " …" : ""}` : "";
  return (
    `[e2e ${name}] ${r.schedules} schedules → ${r.runs} runs (${statuses}); emails expected ${r.expectedEmails}, received ${r.received}, ` +
    `sent rows ${r.sentRows}, suppressed ${r.suppressedRows}, failed rows ${r.failedRows}; duplicates ${r.duplicates}, lost ${r.lost}; ` +
    `dead letters ${r.deadLetters}; PDFs checked ${r.pdfsChecked}${unknown}${stale}${failed}; violations ${r.violations.length}`
  );
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function pdfText(bytes: Buffer): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mr-e2e-pdf-"));
  try {
    const file = path.join(dir, "report.pdf");
    writeFileSync(file, bytes);
    const { stdout } = await run("pdftotext", ["-layout", file, "-"], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The link in the email, through the API's /r/ route and its redirect, to the stored PDF. */
async function followReportLink(link: string, apiUrl: string): Promise<string | undefined> {
  const url = new URL(link);
  const target = new URL(url.pathname + url.search, apiUrl);
  const first = await fetch(target, { redirect: "manual" });
  const location = first.headers.get("location");
  if (first.status < 300 || first.status > 399 || !location) return `GET ${url.pathname} answered ${first.status}, not a redirect`;
  const file = await fetch(new URL(location, target));
  if (!file.ok) return `the redirect target answered ${file.status}`;
  const head = Buffer.from(await file.arrayBuffer()).subarray(0, 5).toString("latin1");
  return head === "%PDF-" ? undefined : `the redirect target is not a PDF (starts ${JSON.stringify(head)})`;
}
