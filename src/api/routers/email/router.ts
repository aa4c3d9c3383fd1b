import { router } from "../../trpc.js";
import { emailLogRoute } from "./email-log.js";
import { unsubscribeTokenRoute } from "./unsubscribe-token.js";
import { unsubscribeRoute } from "./unsubscribe.js";

export const emailRouter = router({
  unsubscribe: unsubscribeRoute,
  unsubscribeToken: unsubscribeTokenRoute,
  log: emailLogRoute,
});
