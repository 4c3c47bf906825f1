import { z } from "zod";
import { signUpPageState } from "../../auth/signup";
import { mcpOriginFor } from "../../config";
import { homePath, listMyWorkspaces } from "../../services/workspaces";
import { authedProcedure, publicProcedure, router, workspaceProcedure } from "../init";

export const accountRouter = router({
  /** The signed-in person, for pages that greet them. */
  me: authedProcedure.query(({ ctx }) => ({ name: ctx.user.name, email: ctx.user.email })),
  /** Where the home page sends them. */
  home: authedProcedure.query(({ ctx }) => homePath(ctx.db, ctx.user.id)),
  /** What the sign-up page offers, for this server's sign-up mode and the invitation in its address. */
  signUpState: publicProcedure
    .input(z.object({ invite: z.string().max(512).optional() }))
    .query(({ ctx, input }) => signUpPageState(ctx.db, input.invite)),
  /** Everything the workspace frame shows: who is signed in, this workspace and their role, their other workspaces. */
  shell: workspaceProcedure("viewer").query(async ({ ctx }) => ({
    user: { name: ctx.user.name, email: ctx.user.email },
    workspace: { slug: ctx.workspace.slug, name: ctx.workspace.name, role: ctx.role },
    workspaces: await listMyWorkspaces(ctx.db, ctx.user.id),
  })),
  /** The MCP endpoint URL AI clients should use, as the browser reached this server. */
  endpoint: workspaceProcedure("viewer").query(({ ctx }) => `${mcpOriginFor(ctx.headers ?? new Headers())}/mcp/${ctx.workspace.slug}`),
});
