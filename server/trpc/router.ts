import { router } from "./init";
import { accountRouter } from "./routers/account";
import { documentsRouter } from "./routers/documents";
import { connectionsRouter } from "./routers/connections";
import { invitationsRouter } from "./routers/invitations";
import { keysRouter } from "./routers/keys";
import { membersRouter } from "./routers/members";
import { oauthRouter } from "./routers/oauth";
import { promptsRouter } from "./routers/prompts";
import { runsRouter } from "./routers/runs";
import { secretsRouter } from "./routers/secrets";
import { settingsRouter } from "./routers/settings";
import { usageRouter } from "./routers/usage";
import { workflowsRouter } from "./routers/workflows";
import { workspaceRouter } from "./routers/workspace";

export const appRouter = router({
  account: accountRouter,
  workspace: workspaceRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  keys: keysRouter,
  secrets: secretsRouter,
  workflows: workflowsRouter,
  runs: runsRouter,
  settings: settingsRouter,
  oauth: oauthRouter,
  documents: documentsRouter,
  connections: connectionsRouter,
  prompts: promptsRouter,
  usage: usageRouter,
});

export type AppRouter = typeof appRouter;
