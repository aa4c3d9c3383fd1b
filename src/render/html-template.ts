import { escapeHtml } from "./escape-html.js";

/**
 * Markup that is already safe. Only the `html` tag creates it, so a string can reach a report
 * unescaped only by passing through `html`'s escaping first.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

/**
 * Tagged template for report markup: every interpolated value is escaped with escapeHtml unless it
 * is SafeHtml; arrays are joined; null, undefined and false render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += toMarkup(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

function toMarkup(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) {
    let out = "";
    for (const item of value as readonly HtmlValue[]) out += toMarkup(item);
    return out;
  }
  return escapeHtml(value);
}
