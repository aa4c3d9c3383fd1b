import { useEffect, useRef, type ReactNode } from "react";

/**
 * A page's heading, focused when the page opens so screen readers announce the new page and
 * keyboard users start from its top (a client-side navigation does not move focus by itself).
 */
export function Page(props: { title: string; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Market Reports`;
    heading.current?.focus();
  }, [props.title]);
  return (
    <>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions ? <div className="actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </>
  );
}

/** The API's message (with its request id for server errors) in a live region. */
export function ErrorText(props: { error: unknown }) {
  if (!props.error) return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
