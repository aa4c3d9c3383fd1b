import { emailRouter } from "./routers/email/router.js";
import { reportsRouter } from "./routers/reports/router.js";
import { schedulesRouter } from "./routers/schedules/router.js";
import { suppressionsRouter } from "./routers/suppressions/router.js";
import { router } from "./trpc.js";

export const appRouter = router({
  schedules: schedulesRouter,
  email: emailRouter,
  reports: reportsRouter,
  suppressions: suppressionsRouter,
});

export type AppRouter = typeof appRouter;
