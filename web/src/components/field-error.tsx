import type { FieldErrors } from "react-hook-form";

/** Every message under the given error keys (a list field has one per bad entry). */
export function messagesFor(errors: FieldErrors, names: string[]): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const message = (node as { message?: unknown }).message;
    if (typeof message === "string" && message) out.push(message);
    for (const [key, child] of Object.entries(node)) if (key !== "ref" && key !== "message" && key !== "type" && key !== "types") walk(child);
  };
  for (const name of names) walk((errors as Record<string, unknown>)[name]);
  return [...new Set(out)];
}

/** A field's errors, beside it, referenced by the input's aria-describedby. */
export function FieldError(props: { id: string; messages: string[] }) {
  if (props.messages.length === 0) return null;
  return (
    <div id={props.id} className="field-error">
      {props.messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
