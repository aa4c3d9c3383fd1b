import { describe, expect, it } from "vitest";
import { TemplateError, TemplateSet, goNumber } from "./go-template.js";

/** Renders one template body with `data`; `helpers` are other files whose defines it may include. */
function render(body: string, data: unknown = {}, helpers: Record<string, string> = {}): string {
  const set = new TemplateSet();
  for (const [name, source] of Object.entries(helpers)) set.add(name, source);
  set.add("t", body);
  return set.render("t", data);
}

// Expected outputs are what Go's text/template with Sprig produces for the same input (helm template).
describe("the Go template interpreter used to render the chart", () => {
  it("trims whitespace around {{- and -}} only", () => {
    expect(render("a  {{- 1 -}}  b")).toBe("a1b");
    expect(render("a\n  {{- 1 }}\nb")).toBe("a1\nb");
    expect(render("a {{ 1 }} b")).toBe("a 1 b");
    // A dash not followed by a space is a negative number, not a trim marker.
    expect(render("a {{-1}} b")).toBe("a -1 b");
  });

  it("evaluates fields, pipelines (piped value last) and parenthesised calls", () => {
    const data = { Values: { name: "market-reports-very-long", n: 3 } };
    expect(render("{{ .Values.name | trunc 14 | trimSuffix \"-\" }}", data)).toBe("market-reports");
    expect(render('{{ printf "%s-%s" .Values.name "x" | upper }}', data)).toBe("MARKET-REPORTS-VERY-LONG-X");
    expect(render('{{ default "d" (index .Values "missing") }}', data)).toBe("d");
    expect(render("{{ .Values.n | quote }}", data)).toBe('"3"');
  });

  it("prints numbers as Go prints float64", () => {
    expect(goNumber(3000)).toBe("3000");
    expect(goNumber(123456)).toBe("123456");
    expect(goNumber(1000000)).toBe("1e+06");
    expect(goNumber(1234567)).toBe("1.234567e+06");
    expect(goNumber(0.5)).toBe("0.5");
    expect(goNumber(0.00001)).toBe("1e-05");
    expect(render("{{ .x }}", { x: 2000000 })).toBe("2e+06");
  });

  it("missing map keys are empty, fields of nil are errors", () => {
    expect(render("[{{ .Values.nope }}]", { Values: {} })).toBe("[]");
    expect(() => render("{{ .Values.nope.deeper }}", { Values: {} })).toThrow(/nil pointer evaluating interface \{\}\.deeper/);
  });

  it("if / else if / else, with, and Go's truthiness", () => {
    const t = "{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}";
    expect(render(t, { a: 1 })).toBe("A");
    expect(render(t, { a: 0, b: "x" })).toBe("B");
    expect(render(t, { a: [], b: {} })).toBe("C");
    expect(render("{{ with .m }}{{ .k }}{{ else }}none{{ end }}", { m: { k: "v" } })).toBe("v");
    expect(render("{{ with .m }}{{ .k }}{{ else }}none{{ end }}", { m: {} })).toBe("none");
  });

  it("ranges over lists and over maps in key order, with scoped variables and $", () => {
    expect(render("{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}", { l: ["a", "b"] })).toBe("0=a;1=b;");
    expect(render("{{ range $k, $v := .m }}{{ $k }}:{{ $v }}{{ $.sep }}{{ end }}", { m: { b: 2, a: 1 }, sep: "," })).toBe("a:1,b:2,");
    expect(render("{{ range .l }}x{{ else }}empty{{ end }}", { l: [] })).toBe("empty");
    expect(() => render("{{ range .l }}{{ $x := 1 }}{{ end }}{{ $x }}", { l: [1] })).toThrow(/undefined variable "\$x"/);
  });

  it("and/or return an operand and short-circuit", () => {
    expect(render('{{ or .a "fallback" }}', { a: "" })).toBe("fallback");
    expect(render("{{ and .a .b }}", { a: 1, b: 2 })).toBe("2");
    // The second operand would fail if evaluated.
    expect(render("{{ and .a .missing.field }}", { a: false })).toBe("false");
  });

  it("include renders a define with its own dot; toYaml and nindent build nested YAML", () => {
    const helpers = {
      _h: '{{- define "labels" -}}\nname: {{ .name }}\n{{- with .extra }}\n{{ toYaml . }}\n{{- end }}\n{{- end -}}',
    };
    const body = "metadata:\n  labels:\n    {{- include \"labels\" (dict \"name\" \"x\" \"extra\" (dict \"b\" \"2\" \"a\" 1)) | nindent 4 }}\n";
    expect(render(body, {}, helpers)).toBe("metadata:\n  labels:\n    name: x\n    a: 1\n    b: \"2\"\n");
  });

  it("required and fail stop rendering with the chart's message", () => {
    expect(() => render('{{ required "x is required" .x }}', { x: "" })).toThrow(/x is required/);
    expect(render('{{ required "x is required" .x }}', { x: "ok" })).toBe("ok");
    expect(() => render('{{ fail "no" }}')).toThrow(/no/);
  });

  it("rejects what Helm would reject when parsing", () => {
    expect(() => render("{{ if .a }}open")).toThrow(TemplateError);
    expect(() => render("{{ end }}")).toThrow(/unexpected \{\{end\}\}/);
    expect(() => render("{{ nosuchfunc 1 }}")).toThrow(/function "nosuchfunc" not defined/);
    expect(() => render("{{ .a ")).toThrow(/unclosed action/);
    expect(() => render('{{ include "missing" . }}')).toThrow(/no template "missing"/);
  });

  it("comments and strings containing braces do not confuse the scanner", () => {
    expect(render('a{{/* a comment with }} inside */}}b{{ "}}" }}')).toBe("ab}}");
    expect(render("a\n{{- /* trimmed */ -}}\nb")).toBe("ab");
  });
});
