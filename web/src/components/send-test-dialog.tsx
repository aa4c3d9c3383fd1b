import { useState } from "react";
import { ConfirmDialog } from "./confirm-dialog.js";

/**
 * Send test: to every recipient of the saved schedule (the default) or to the ones ticked here.
 * `to` is left out when all are ticked, so the server uses the schedule's own list.
 */
export function SendTestDialog(props: {
  open: boolean;
  scheduleName: string;
  recipients: string[];
  busy: boolean;
  onSend(to: string[] | undefined): void;
  onCancel(): void;
}) {
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const chosen = props.recipients.filter((r) => !unticked.has(r));
  const toggle = (email: string) =>
    setUnticked((prev) => {
      const next = new Set(prev);
      if (!next.delete(email)) next.add(email);
      return next;
    });
  return (
    <ConfirmDialog
      open={props.open}
      title={`Send a test of "${props.scheduleName}"`}
      confirmLabel={`Send test to ${chosen.length}`}
      tone="primary"
      busy={props.busy}
      blocked={chosen.length === 0}
      onCancel={props.onCancel}
      onConfirm={() => props.onSend(chosen.length === props.recipients.length ? undefined : chosen)}
    >
      <p>The report is rendered now and emailed as a test run; the schedule's next send does not move.</p>
      <fieldset className="field recipient-choice">
        <legend>Send to</legend>
        {props.recipients.map((email) => (
          <label key={email} className="choice">
            <input type="checkbox" checked={!unticked.has(email)} onChange={() => toggle(email)} />
            <span>{email}</span>
          </label>
        ))}
      </fieldset>
      {chosen.length === 0 ? (
        <p className="hint" role="status">
          Tick at least one recipient.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
