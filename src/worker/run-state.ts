/** The run's lifecycle lives in src/runs/run-lifecycle.ts; the worker's moves, by their old names. */
export { failRun, finishRun, noteRetry, startRun, type StartOutcome } from "../runs/run-lifecycle.js";
