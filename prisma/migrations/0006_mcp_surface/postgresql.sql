-- AlterTable
ALTER TABLE "workspace" ADD COLUMN     "documentsRevision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "promptsRevision" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "document" ADD COLUMN     "resourceUri" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "document_workspaceId_resourceUri_key" ON "document"("workspaceId", "resourceUri");

