// Data a server test needs, written straight through the services into the server's database.
import type { Db } from "../../../server/db/client";
import { createApiKey } from "../../../server/services/apiKeys";
import { importWorkflow } from "../../../server/services/workflows";
import { publishWorkflow } from "../../../server/services/versions";
import { updateSettings, type WorkspaceSettings } from "../../../server/services/workspaceSettings";
import { createWorkspace } from "../../../server/services/workspaces";
import { createUser } from "../../helpers/database";

export async function seedWorkspace(db: Db, slug: string, settings: Partial<WorkspaceSettings> = {}) {
  const owner = await createUser(db);
  const workspace = await createWorkspace(db, owner.id, { name: slug, slug });
  if (Object.keys(settings).length) await updateSettings(db, workspace.id, settings);
  const { key, id: keyId } = await createApiKey(db, workspace.id, owner.id, { name: "test client" });
  return {
    owner,
    workspace,
    key,
    keyId,
    async publish(doc: unknown, note = "") {
      const imported = await importWorkflow(db, workspace.id, owner.id, doc);
      return publishWorkflow(db, workspace.id, owner.id, imported.name, { note });
    },
  };
}
