import * as z from "zod";
import { pageLimitField } from "../../../validation/field-rules.js";
import { ZScheduleId } from "./by-id.types.js";

export const ZScheduleRunsInput = z.object({ id: ZScheduleId, limit: pageLimitField(500, 50) }).strict();
