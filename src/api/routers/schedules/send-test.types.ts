import * as z from "zod";
import { ZScheduleId } from "./by-id.types.js";
import { fields } from "../../../schedules/schedule.rules.js";

export const ZSendTestInput = z.object({ id: ZScheduleId, to: fields.recipients.optional() }).strict();
