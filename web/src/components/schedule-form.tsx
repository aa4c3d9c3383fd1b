import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, type ReactNode } from "react";
import { Controller, useForm, useWatch, type Path } from "react-hook-form";
import { CADENCES } from "../../../src/db/enums.js";
import { REPORT_TYPES } from "../../../src/figures/report-types.js";
import { normalizeEmail } from "../../../src/validation/email-address.js";
import { describeError } from "../api.js";
import { REPORT_TYPE_DESCRIPTIONS, REPORT_TYPE_LABELS } from "../report-type-labels.js";
import { scheduleFormSchema, type ScheduleFormValues } from "../schedule-form-values.js";
import { WEEKDAYS } from "../schedule-words.js";
import { ChipsField } from "./chips-field.js";
import { FieldError, messagesFor } from "./field-error.js";
import { NextSends } from "./next-sends.js";

const TIME_ZONES: string[] = (() => {
  const zones = Intl.supportedValuesOf?.("timeZone") ?? [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
})();

const CADENCE_LABELS = { daily: "Daily", weekly: "Weekly", monthly: "Monthly" } as const;

/**
 * Every schedule field, labelled, validated by the server's own rules before anything is sent; a
 * rejection from the server lands beside the field it names. Used by New schedule and Edit.
 */
export function ScheduleForm(props: {
  initial: ScheduleFormValues;
  submitLabel: string;
  onSubmit(values: ScheduleFormValues): Promise<void>;
  children?: ReactNode;
  extra?: (values: ScheduleFormValues) => ReactNode;
}) {
  const form = useForm<ScheduleFormValues, unknown, unknown>({
    defaultValues: props.initial,
    resolver: zodResolver(scheduleFormSchema) as never,
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const { register, control, handleSubmit, setError, formState } = form;
  const errors = formState.errors;
  const values = useWatch({ control }) as ScheduleFormValues;
  const cadence = values.cadence;

  async function submit() {
    try {
      await props.onSubmit(form.getValues());
    } catch (error) {
      const { message, issues } = describeError(error);
      for (const issue of issues) {
        setError((issue.path || "root.server") as Path<ScheduleFormValues>, { type: "server", message: issue.message });
      }
      setError("root.server", { type: "server", message });
    }
  }

  const field = (name: string, errorNames: string[] = [name]) => {
    const messages = messagesFor(errors, errorNames);
    const errorId = `${name}-error`;
    return {
      messages,
      errorId,
      aria: { "aria-invalid": messages.length > 0 ? true : undefined, "aria-describedby": messages.length > 0 ? errorId : undefined },
    };
  };

  const name = field("name");
  const reportType = field("report_type");
  const city = field("city");
  const zips = field("zip_codes");
  const lookback = field("lookback_days");
  const dow = field("weekly_dow");
  const dom = field("monthly_dom");
  const time = field("send_time", ["send_time", "send_hour", "send_minute"]);
  const zone = field("timezone");
  const recipients = field("recipients");
  const invalidRecipients = useMemo(() => indexesWithErrors(errors.recipients), [errors.recipients]);
  const invalidZips = useMemo(() => indexesWithErrors(errors.zip_codes), [errors.zip_codes]);

  return (
    <div className="form-layout">
      <form onSubmit={handleSubmit(submit)} noValidate aria-describedby="form-error">
        <div className="field">
          <label htmlFor="name">Name</label>
          <input id="name" type="text" {...register("name")} {...name.aria} />
          <FieldError id={name.errorId} messages={name.messages} />
        </div>

        <fieldset className="field">
          <legend>Report type</legend>
          {REPORT_TYPES.map((t) => (
            <label key={t} className="choice">
              <input type="radio" value={t} {...register("report_type")} {...reportType.aria} />
              <span>
                <strong>{REPORT_TYPE_LABELS[t]}</strong> <span className="hint">{REPORT_TYPE_DESCRIPTIONS[t]}</span>
              </span>
            </label>
          ))}
          <FieldError id={reportType.errorId} messages={reportType.messages} />
        </fieldset>

        <div className="field">
          <label htmlFor="city">City</label>
          <input id="city" type="text" {...register("city")} {...city.aria} />
          <FieldError id={city.errorId} messages={city.messages} />
        </div>

        <div className="field">
          <label htmlFor="zip_codes">ZIP codes</label>
          <Controller
            control={control}
            name="zip_codes"
            render={({ field: f }) => (
              <ChipsField
                id="zip_codes"
                label="ZIP codes"
                values={f.value}
                onChange={f.onChange}
                onBlur={f.onBlur}
                inputMode="numeric"
                invalid={zips.messages.length > 0}
                invalidIndexes={invalidZips}
                describedBy={["zip_codes-hint", zips.messages.length ? zips.errorId : ""].join(" ").trim()}
              />
            )}
          />
          <p id="zip_codes-hint" className="hint">
            5-digit ZIP codes; type or paste a list. A city or at least one ZIP code is required.
          </p>
          <FieldError id={zips.errorId} messages={zips.messages} />
        </div>

        <div className="field">
          <label htmlFor="lookback_days">Lookback (days)</label>
          <input id="lookback_days" type="number" min={1} max={365} {...register("lookback_days", { valueAsNumber: true })} {...lookback.aria} />
          <FieldError id={lookback.errorId} messages={lookback.messages} />
        </div>

        <div className="field-row">
          <div className="field">
            <label htmlFor="cadence">Cadence</label>
            <select id="cadence" {...register("cadence")}>
              {CADENCES.map((c) => (
                <option key={c} value={c}>
                  {CADENCE_LABELS[c]}
                </option>
              ))}
            </select>
          </div>
          {cadence === "weekly" ? (
            <div className="field">
              <label htmlFor="weekly_dow">Day of week</label>
              <select id="weekly_dow" {...register("weekly_dow", { valueAsNumber: true })} {...dow.aria}>
                {WEEKDAYS.map((d, i) => (
                  <option key={d} value={i}>
                    {d}
                  </option>
                ))}
              </select>
              <FieldError id={dow.errorId} messages={dow.messages} />
            </div>
          ) : null}
          {cadence === "monthly" ? (
            <div className="field">
              <label htmlFor="monthly_dom">Day of month</label>
              <input
                id="monthly_dom"
                type="number"
                min={1}
                max={31}
                {...register("monthly_dom", { valueAsNumber: true })}
                {...dom.aria}
                aria-describedby={["monthly_dom-hint", dom.messages.length ? dom.errorId : ""].join(" ").trim()}
              />
              <p id="monthly_dom-hint" className="hint">
                31 means the last day of shorter months.
              </p>
              <FieldError id={dom.errorId} messages={dom.messages} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="send_time">Send time</label>
            <input id="send_time" type="time" step={60} {...register("send_time")} {...time.aria} />
            <FieldError id={time.errorId} messages={time.messages} />
          </div>
        </div>

        <div className="field">
          <label htmlFor="timezone">Time zone</label>
          <input id="timezone" type="text" list="timezone-list" autoComplete="off" {...register("timezone")} {...zone.aria} />
          <datalist id="timezone-list">
            {TIME_ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <FieldError id={zone.errorId} messages={zone.messages} />
        </div>

        <div className="field">
          <label htmlFor="recipients">Recipients</label>
          <Controller
            control={control}
            name="recipients"
            render={({ field: f }) => (
              <ChipsField
                id="recipients"
                label="Recipients"
                values={f.value}
                onChange={f.onChange}
                onBlur={f.onBlur}
                inputMode="email"
                normalize={normalizeEmail}
                invalid={recipients.messages.length > 0}
                invalidIndexes={invalidRecipients}
                describedBy={["recipients-hint", recipients.messages.length ? recipients.errorId : ""].join(" ").trim()}
              />
            )}
          />
          <p id="recipients-hint" className="hint">
            Up to 50 addresses; paste a comma- or line-separated list. Lower-cased and de-duplicated.
          </p>
          <FieldError id={recipients.errorId} messages={recipients.messages} />
        </div>

        <div className="field checkbox">
          <input id="include_attachment" type="checkbox" {...register("include_attachment")} />
          <label htmlFor="include_attachment">Attach PDF</label>
        </div>
        <div className="field checkbox">
          <input id="active" type="checkbox" {...register("active")} />
          <label htmlFor="active">Active</label>
        </div>

        <div id="form-error" aria-live="polite">
          {errors.root?.server ? (
            <p role="alert" className="error">
              {errors.root.server.message}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={formState.isSubmitting}>
            {formState.isSubmitting ? "Saving…" : props.submitLabel}
          </button>
          {props.children}
        </div>
      </form>
      <aside>
        <NextSends values={values} />
        {props.extra?.(values)}
      </aside>
    </div>
  );
}

function indexesWithErrors(listErrors: unknown): Set<number> {
  const out = new Set<number>();
  if (Array.isArray(listErrors)) listErrors.forEach((e, i) => e && out.add(i));
  else if (listErrors && typeof listErrors === "object") {
    for (const key of Object.keys(listErrors)) if (/^\d+$/.test(key)) out.add(Number(key));
  }
  return out;
}
