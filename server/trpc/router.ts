import { router } from "./init";
import { keysRouter } from "./routers/keys";
import { membersRouter } from "./routers/members";
import { secretsRouter } from "./routers/secrets";
import { workflowsRouter } from "./routers/workflows";
import { workspaceRouter } from "./routers/workspace";

export const appRouter = router({
  workspace: workspaceRouter,
  members: membersRouter,
  keys: keysRouter,
  secrets: secretsRouter,
  workflows: workflowsRouter,
});

export type AppRouter = typeof appRouter;
