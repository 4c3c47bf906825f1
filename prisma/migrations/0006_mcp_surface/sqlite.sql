-- AlterTable
ALTER TABLE "document" ADD COLUMN "resourceUri" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "limits" JSONB,
    "toolsRevision" INTEGER NOT NULL DEFAULT 0,
    "documentsRevision" INTEGER NOT NULL DEFAULT 0,
    "promptsRevision" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_workspace" ("createdAt", "id", "limits", "name", "slug", "toolsRevision", "updatedAt") SELECT "createdAt", "id", "limits", "name", "slug", "toolsRevision", "updatedAt" FROM "workspace";
DROP TABLE "workspace";
ALTER TABLE "new_workspace" RENAME TO "workspace";
CREATE UNIQUE INDEX "workspace_slug_key" ON "workspace"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "document_workspaceId_resourceUri_key" ON "document"("workspaceId", "resourceUri");

