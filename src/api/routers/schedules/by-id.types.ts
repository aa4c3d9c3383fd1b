import * as z from "zod";
import { idField } from "../../../validation/field-rules.js";

export const ZScheduleId = idField("schedule");
export const ZByIdInput = z.object({ id: ZScheduleId }).strict();
