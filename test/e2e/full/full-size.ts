import { postgresUp, rabbitUp } from "../../support/services.js";
import { chromiumAvailable } from "../harness/fault-drivers.js";

/** The size: 20 accounts, 1,000 schedules due at once, 1–5 recipients each. */
export const FULL = { accounts: 20, schedules: 1_000 };

/** A bound for every run to be final, far above the ~3 minutes a scenario takes; a hang fails. */
export const FINAL_TIMEOUT_MS = 20 * 60_000;

export const TEST_TIMEOUT_MS = 30 * 60_000;

export const fullSuiteServicesUp = async () => (await postgresUp()) && (await rabbitUp()) && chromiumAvailable();
