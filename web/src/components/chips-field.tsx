import { useState, type ClipboardEvent, type KeyboardEvent } from "react";

/**
 * A list typed or pasted as chips: Enter, comma or leaving the field adds what was typed; a pasted
 * list (commas, semicolons, spaces or new lines) adds every entry. Entries are normalised and
 * de-duplicated here; whether each one is valid is the form's rules' job, so an invalid entry
 * stays visible, marked, and blocks the submit with the rule's message.
 */
export function ChipsField(props: {
  id: string;
  label: string;
  values: string[];
  onChange(values: string[]): void;
  onBlur?(): void;
  normalize?(value: string): string;
  invalidIndexes?: ReadonlySet<number>;
  describedBy?: string;
  invalid?: boolean;
  inputMode?: "text" | "email" | "numeric";
}) {
  const [draft, setDraft] = useState("");
  const normalize = props.normalize ?? ((v: string) => v.trim());

  function add(text: string) {
    const entries = text
      .split(/[\s,;]+/)
      .map(normalize)
      .filter((v) => v !== "");
    if (entries.length === 0) return;
    const next = [...props.values];
    for (const e of entries) if (!next.includes(e)) next.push(e);
    props.onChange(next);
    setDraft("");
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      add(draft);
    } else if (e.key === "Backspace" && draft === "" && props.values.length > 0) {
      props.onChange(props.values.slice(0, -1));
    }
  }

  function onPaste(e: ClipboardEvent<HTMLInputElement>) {
    const text = e.clipboardData.getData("text");
    if (/[\s,;]/.test(text.trim())) {
      e.preventDefault();
      add(draft + text);
    }
  }

  return (
    <div className={`chips ${props.invalid ? "invalid" : ""}`}>
      <ul className="chip-list" aria-label={`${props.label} entered`}>
        {props.values.map((v, i) => {
          const bad = props.invalidIndexes?.has(i) ?? false;
          return (
            <li key={v} className={`chip ${bad ? "bad" : ""}`}>
              <span>
                {v}
                {bad ? <span className="visually-hidden"> (invalid)</span> : null}
              </span>
              <button type="button" aria-label={`Remove ${v}`} onClick={() => props.onChange(props.values.filter((x) => x !== v))}>
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <input
        id={props.id}
        type="text"
        inputMode={props.inputMode}
        value={draft}
        autoComplete="off"
        aria-invalid={props.invalid ? true : undefined}
        aria-describedby={props.describedBy}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => {
          add(draft);
          props.onBlur?.();
        }}
      />
    </div>
  );
}
