import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError, useTRPC } from "../api.js";
import { toScheduleInput, type ScheduleFormValues } from "../schedule-form-values.js";

/**
 * The report for the form's current values as of now, rendered by the server without storing or
 * sending anything, shown in a sandboxed frame: no scripts, no same-origin access.
 */
export function ReportPreview(props: { values: ScheduleFormValues }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function preview() {
    setBusy(true);
    setError(null);
    try {
      const result = await queryClient.fetchQuery(trpc.reports.preview.queryOptions(toScheduleInput(props.values)));
      setHtml(result.html);
    } catch (e) {
      const { message, issues } = describeError(e);
      setError(issues.length ? issues.map((i) => i.message).join("; ") : message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="preview-title" className="report-preview-section">
      <h2 id="preview-title">Report preview</h2>
      <button type="button" className="secondary" onClick={preview} disabled={busy}>
        {busy ? "Rendering…" : "Preview report"}
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {html ? <iframe className="report-preview" title="Report preview" sandbox="" srcDoc={html} /> : null}
    </section>
  );
}
