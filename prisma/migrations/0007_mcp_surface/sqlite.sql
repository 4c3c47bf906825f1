-- AlterTable
ALTER TABLE "mcp_session" ADD COLUMN "subscriptions" JSONB;

-- AlterTable
ALTER TABLE "document" ADD COLUMN "resourceUri" TEXT;

-- CreateTable
CREATE TABLE "prompt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "draft" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "liveVersionId" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "prompt_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "prompt_liveVersionId_fkey" FOREIGN KEY ("liveVersionId") REFERENCES "prompt_version" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "prompt_version" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "promptId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "prompt_version_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "prompt" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
CREATE UNIQUE INDEX "prompt_liveVersionId_key" ON "prompt"("liveVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_workspaceId_name_key" ON "prompt"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_version_promptId_number_key" ON "prompt_version"("promptId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "document_workspaceId_resourceUri_key" ON "document"("workspaceId", "resourceUri");

