/**
 * The report's stylesheet: system fonts, one accent colour, generous whitespace. Screen view is a
 * centred page; print uses @page for Letter or A4 with backgrounds kept (the PDF renderer should
 * pass preferCSSPageSize and printBackground) and never splits a card, chart or table row.
 */
export type PaperSize = "letter" | "a4";

const PAGE_RULES: Record<PaperSize, string> = {
  letter: "@page { size: letter; margin: 0.45in 0.5in 0.55in; }",
  a4: "@page { size: A4; margin: 12mm 13mm 14mm; }",
};

const BASE = `
:root {
  --ink: #1d2433; --muted: #5d6679; --faint: #8a92a3; --line: #e4e7ee; --panel: #f6f7fa;
  --brand: #17324d; --brand-2: #23496d; --up: #1b7f6b; --down: #b4492f; --flat: #6b7385;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; background: #eef0f4; color: var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  font-size: 10.5pt; line-height: 1.45; font-variant-numeric: tabular-nums;
}
.report { max-width: 8.5in; margin: 24px auto; background: #fff; box-shadow: 0 1px 4px rgba(20, 30, 50, .12); }
.masthead { background: var(--brand); color: #fff; padding: 26px 36px 22px; }
.eyebrow { font-size: 8.5pt; letter-spacing: .12em; text-transform: uppercase; color: #b9c8d8; font-weight: 600; }
.eyebrow .sep { margin: 0 .5em; color: #6f8aa5; }
.masthead h1 { margin: 6px 0 4px; font-size: 24pt; line-height: 1.15; font-weight: 700; letter-spacing: -.01em; }
.masthead .period { margin: 0; font-size: 12pt; color: #e8eef5; }
.masthead .period .versus { color: #a9bccf; font-size: 10pt; }
.masthead .filters { margin: 4px 0 0; font-size: 10pt; color: #d6e0ea; }
.masthead .meta { margin-top: 12px; font-size: 9pt; color: #b9c8d8; display: flex; justify-content: space-between; gap: 16px; flex-wrap: wrap; }
.masthead .meta strong { color: #fff; font-weight: 600; }
.sample-badge { display: inline-block; margin-left: 8px; padding: 1px 7px; border: 1px solid #e0a458; border-radius: 9px; color: #f3cf9f; font-size: 7.5pt; letter-spacing: .06em; text-transform: uppercase; vertical-align: 2px; }
.content { padding: 22px 36px 8px; }
.lede { font-size: 11.5pt; margin: 0 0 18px; color: #2b3345; max-width: 46em; }
h2 { font-size: 12pt; margin: 24px 0 10px; color: var(--brand); letter-spacing: .01em; }
h2 .sub { font-weight: 400; color: var(--faint); font-size: 9.5pt; margin-left: 6px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 11px 12px 10px; background: #fff; break-inside: avoid; }
.kpi .label { font-size: 8pt; text-transform: uppercase; letter-spacing: .07em; color: var(--muted); font-weight: 600; }
.kpi .value { font-size: 18pt; font-weight: 700; margin: 3px 0 2px; letter-spacing: -.01em; white-space: nowrap; }
.kpi .change { font-size: 8.5pt; font-weight: 600; }
.kpi .prev { font-size: 8pt; color: var(--faint); margin-top: 1px; }
.up { color: var(--up); } .down { color: var(--down); } .flat, .none { color: var(--flat); }
.arrow { font-size: 7pt; margin-right: 3px; vertical-align: 1px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 14px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 8px; break-inside: avoid; }
figure.chart h3 { margin: 0 0 6px; font-size: 10pt; color: var(--ink); }
figure.chart figcaption { font-size: 8pt; color: var(--faint); margin-top: 2px; }
.chart-svg { display: block; }
.small-sample { color: var(--muted); }
.small-sample sup { font-size: 65%; margin-left: 1px; }
.small-sample small, .small-note { font-weight: 400; color: var(--faint); }
.not-in-feed { color: var(--faint); font-style: italic; font-weight: 400; font-size: 80%; }
.row-note { font-size: 7pt; color: var(--faint); font-weight: 400; white-space: normal; }
.empty-chart { font-size: 9pt; color: var(--faint); padding: 18px 0; text-align: center; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
thead { display: table-header-group; }
th { text-align: right; font-weight: 600; color: var(--muted); font-size: 7.5pt; text-transform: uppercase; letter-spacing: .05em; padding: 6px 8px; border-bottom: 1.5px solid var(--ink); }
th:first-child, td:first-child { text-align: left; }
td { text-align: right; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
tr { break-inside: avoid; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr.total td { font-weight: 700; border-top: 1.5px solid var(--ink); border-bottom: none; background: #fff; }
td .arrow { font-size: 6.5pt; }
.no-activity { border: 1px dashed #c5cbd6; border-radius: 10px; padding: 28px 30px; text-align: center; background: var(--panel); margin: 8px 0 10px; }
.no-activity h2 { margin: 0 0 8px; font-size: 16pt; color: var(--ink); }
.no-activity p { margin: 6px auto 0; max-width: 38em; color: var(--muted); }
.methodology { margin: 26px 36px 0; padding: 16px 0 26px; border-top: 1px solid var(--line); font-size: 8pt; color: var(--muted); line-height: 1.45; }
.methodology h2 { font-size: 9.5pt; margin: 0 0 6px; color: var(--ink); }
.methodology h3 { font-size: 8.5pt; margin: 12px 0 4px; color: var(--ink); }
.methodology p { margin: 0 0 6px; }
.methodology dl { margin: 0; columns: 2; column-gap: 24px; }
.methodology dl div { break-inside: avoid; margin-bottom: 5px; }
.methodology dt { font-weight: 600; color: var(--ink); display: inline; }
.methodology dt::after { content: ": "; }
.methodology dd { display: inline; margin: 0; }
.methodology ul { margin: 0; padding-left: 14px; columns: 2; column-gap: 24px; }
.methodology li { break-inside: avoid; margin-bottom: 3px; }
.methodology .count { color: var(--ink); font-weight: 600; }
.disclaimer { margin-top: 10px !important; color: var(--faint); }
@media (max-width: 640px) {
  .kpis { grid-template-columns: repeat(2, 1fr); }
  .masthead, .content { padding-left: 18px; padding-right: 18px; }
  .methodology { margin-left: 18px; margin-right: 18px; }
  .methodology dl, .methodology ul { columns: 1; }
}
@media print {
  body { background: #fff; font-size: 9.5pt; }
  .report { max-width: none; margin: 0; box-shadow: none; }
  .masthead { border-radius: 6px; }
  .content { padding: 16px 2px 0; }
  .methodology { margin: 18px 2px 0; padding-bottom: 0; }
  h2 { break-after: avoid; }
  .zip-table, .detail-table { break-inside: auto; }
}
`;

export function reportStyles(paper: PaperSize): string {
  return PAGE_RULES[paper] + BASE;
}
