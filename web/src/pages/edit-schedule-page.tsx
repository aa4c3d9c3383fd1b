import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useLocation } from "wouter";
import { describeError, useTRPC } from "../api.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorText, Page } from "../components/page.js";
import { ReportPreview } from "../components/report-preview.js";
import { ScheduleForm } from "../components/schedule-form.js";
import { SendTestDialog } from "../components/send-test-dialog.js";
import { changedFields, scheduleToForm } from "../schedule-form-values.js";

export function EditSchedulePage(props: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const schedule = useQuery(trpc.schedules.get.queryOptions({ id: props.id }));
  const saved = useMemo(() => (schedule.data ? scheduleToForm(schedule.data) : undefined), [schedule.data]);
  const [confirming, setConfirming] = useState(false);
  const [testing, setTesting] = useState(false);
  const [notice, setNotice] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  const update = useMutation(trpc.schedules.update.mutationOptions());
  const remove = useMutation(trpc.schedules.delete.mutationOptions());
  const runNow = useMutation(trpc.schedules.runNow.mutationOptions());
  const sendTest = useMutation(trpc.schedules.sendTest.mutationOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });

  if (schedule.isPending) return <p className="loading">Loading schedule…</p>;
  if (schedule.isError) return <ErrorText error={schedule.error} />;
  const s = schedule.data;

  async function act(what: string, run: () => Promise<unknown>, done: string) {
    setNotice(null);
    try {
      await run();
      setNotice({ kind: "ok", text: done });
      await invalidate();
    } catch (error) {
      setNotice({ kind: "error", text: `${what} failed: ${describeError(error).message}` });
    }
  }

  return (
    <Page
      title={`Edit ${s.name}`}
      actions={
        <>
          <Link href={`/schedules/${s.id}/runs`} className="button secondary">
            Runs
          </Link>
          {/* Disabled while in flight: a double click would otherwise start one run and report the
              second click's CONFLICT as a failure over the first one's success. */}
          <button
            type="button"
            className="secondary"
            disabled={runNow.isPending}
            onClick={() => act("Run now", () => runNow.mutateAsync({ id: s.id }), "Run started: see Runs for its progress.")}
          >
            Run now
          </button>
          <button type="button" className="secondary" disabled={sendTest.isPending} onClick={() => setTesting(true)}>
            Send test
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </>
      }
    >
      <div aria-live="polite">{notice ? <p className={notice.kind === "ok" ? "notice" : "error"} role={notice.kind === "error" ? "alert" : "status"}>{notice.text}</p> : null}</div>
      <ScheduleForm
        key={s.updated_at}
        initial={saved!}
        submitLabel="Save"
        extra={(values) => <ReportPreview values={values} />}
        onSubmit={async (values) => {
          const patch = changedFields(saved!, values);
          if (Object.keys(patch).length === 0) {
            setNotice({ kind: "ok", text: "Nothing changed." });
            return;
          }
          const updated = await update.mutateAsync({ id: s.id, ...patch });
          // The saved schedule becomes the form's baseline now (the form remounts on updated_at),
          // before the notice: a refetch landing later would remount it over what the user
          // typed after saving.
          queryClient.setQueryData(trpc.schedules.get.queryKey({ id: s.id }), updated);
          setNotice({ kind: "ok", text: `Saved: ${Object.keys(patch).join(", ")}.` });
          await invalidate();
        }}
      />
      <SendTestDialog
        open={testing}
        scheduleName={s.name}
        recipients={s.recipients}
        busy={sendTest.isPending}
        onCancel={() => setTesting(false)}
        onSend={async (to) => {
          setTesting(false);
          const count = to?.length ?? s.recipients.length;
          await act("Send test", () => sendTest.mutateAsync({ id: s.id, to }), `Test sent to ${count} recipient${count === 1 ? "" : "s"}: see Runs for the outcome.`);
        }}
      />
      <ConfirmDialog
        open={confirming}
        title={`Delete "${s.name}"?`}
        confirmLabel="Delete schedule"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          try {
            await remove.mutateAsync({ id: s.id });
            setConfirming(false);
            await queryClient.invalidateQueries({ queryKey: trpc.schedules.list.pathKey() });
            navigate("/schedules");
          } catch (error) {
            setConfirming(false);
            setNotice({ kind: "error", text: `Delete failed: ${describeError(error).message}` });
          }
        }}
      >
        <p>
          The schedule and its run history are removed. Reports already sent and the email log stay. This cannot be undone.
        </p>
      </ConfirmDialog>
    </Page>
  );
}
