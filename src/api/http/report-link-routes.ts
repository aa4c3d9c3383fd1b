import { Router } from "express";
import type { AppDeps } from "../../app/app-deps.js";

/** `/r/:id` signed report links; filled in with email delivery. */
export function reportLinkRoutes(_deps: AppDeps): Router {
  return Router();
}
