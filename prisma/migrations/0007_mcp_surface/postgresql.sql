-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "documentsRevision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "promptsRevision" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "mcp_session" ADD COLUMN     "subscriptions" JSONB;

-- AlterTable
ALTER TABLE "document" ADD COLUMN     "resourceUri" TEXT;

-- CreateTable
CREATE TABLE "prompt" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "draft" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "liveVersionId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "prompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_version" (
    "id" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prompt_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "prompt_liveVersionId_key" ON "prompt"("liveVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_workspaceId_name_key" ON "prompt"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_version_promptId_number_key" ON "prompt_version"("promptId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "document_workspaceId_resourceUri_key" ON "document"("workspaceId", "resourceUri");

-- AddForeignKey
ALTER TABLE "prompt" ADD CONSTRAINT "prompt_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt" ADD CONSTRAINT "prompt_liveVersionId_fkey" FOREIGN KEY ("liveVersionId") REFERENCES "prompt_version"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_version" ADD CONSTRAINT "prompt_version_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

