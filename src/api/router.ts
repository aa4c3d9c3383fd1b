import { emailRouter } from "./routers/email/router.js";
import { schedulesRouter } from "./routers/schedules/router.js";
import { router } from "./trpc.js";

export const appRouter = router({
  schedules: schedulesRouter,
  email: emailRouter,
});

export type AppRouter = typeof appRouter;
