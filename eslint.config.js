// Lint for the server, tests and benchmarks: ESLint's and typescript-eslint's recommended rules,
// plus the type-aware rules that catch real defects here — a floating or misused promise loses
// an error or a shutdown step, an `any` switches the type checker off. Formatting is left to the
// editor.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // client-consumer-wrong.ts must not compile (the client type test checks that it does not).
  { ignores: ["dist/**", "node_modules/**", ".data/**", "web/dist/**", "coverage/**", "test/types/client-consumer-wrong.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  { files: ["**/*.js", "**/*.mjs"], languageOptions: { globals: globals.node } },
);
