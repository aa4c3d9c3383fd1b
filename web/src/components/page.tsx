import { useEffect, useRef, type ReactNode } from "react";

/**
 * The address the document was loaded at, until the app shows another: the browser has already
 * started focus and screen readers at the top of that first page. Moving focus there too cost a
 * style pass and the first run of React's focus events inside the first render's measured time.
 */
let landing: string | null = window.location.href;

/**
 * A page's heading, focused when the page opens after a client-side navigation (which does not
 * move focus by itself), so screen readers announce the new page and keyboard users start from its
 * top.
 */
export function Page(props: { title: string; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Market Reports`;
    const first = landing === window.location.href;
    landing = null;
    if (!first) heading.current?.focus();
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
