import { z } from "zod";

export const ZScheduleId = z.string({ required_error: "is required" }).uuid("must be a schedule id (UUID)");
export const ZByIdInput = z.object({ id: ZScheduleId }).strict();
