import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A modal confirmation on the native <dialog>: showModal() makes the rest of the page inert, so
 * focus stays inside; it opens on Cancel; Escape cancels; focus returns to what opened it.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** "danger" (the default) for destructive actions. */
  tone?: "danger" | "primary";
  busy?: boolean;
  /** The confirm button is disabled, e.g. until a choice in the dialog is valid. */
  blocked?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null;
      dialog.showModal();
      // showModal() focuses the first button, the destructive one; start on Cancel instead
      // (React's autoFocus is a mount-time focus() that showModal overrides).
      cancel.current?.focus();
      return () => opener?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div>{props.children}</div>
      <div className="actions">
        <button type="button" className={props.tone === "primary" ? "" : "danger"} onClick={props.onConfirm} disabled={props.busy || props.blocked}>
          {props.confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel} ref={cancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
