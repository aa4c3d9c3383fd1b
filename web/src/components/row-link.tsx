import type { MouseEvent, ReactNode } from "react";
import { navigate } from "wouter/use-browser-location";

/**
 * A link to a page of the app, for the rows of a long table: it follows the link as wouter's
 * <Link> does (no page load; a click with a modifier key or another button is left to the
 * browser) but with no hooks. Each <Link> subscribes to every location change, which for 200 rows
 * of two links each was a good part of the list's first render.
 */
export function RowLink(props: { href: string; className?: string; children: ReactNode }) {
  return (
    <a href={props.href} className={props.className} onClick={followInApp}>
      {props.children}
    </a>
  );
}

function followInApp(event: MouseEvent<HTMLAnchorElement>) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  const { pathname, search, hash } = event.currentTarget;
  navigate(pathname + search + hash);
}
