import { router } from "./init";
import { membersRouter } from "./routers/members";
import { workspaceRouter } from "./routers/workspace";

export const appRouter = router({
  workspace: workspaceRouter,
  members: membersRouter,
});

export type AppRouter = typeof appRouter;
