import type { MouseEvent } from "react";
import { navigate } from "wouter/use-browser-location";

/**
 * A link to a page of the app, for the rows of a long table: it follows the link as wouter's
 * <Link> does (no page load; a click with a modifier key or another button is left to the
 * browser) but with no hooks, and it is a plain element, not a component. Each <Link> subscribes
 * to every location change, and a component per link adds a fiber; for 200 rows of two links each
 * both were a good part of the list's first render.
 */
export function rowLink(href: string, text: string, className?: string) {
  return (
    <a href={href} className={className} onClick={followInApp}>
      {text}
    </a>
  );
}

function followInApp(event: MouseEvent<HTMLAnchorElement>) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  const { pathname, search, hash } = event.currentTarget;
  navigate(pathname + search + hash);
}
