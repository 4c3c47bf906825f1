-- CreateTable
CREATE TABLE "document" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "folder" TEXT NOT NULL DEFAULT '',
    "language" TEXT NOT NULL DEFAULT 'english',
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "kind" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_version" (
    "id" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "pageCount" INTEGER,
    "passageCount" INTEGER NOT NULL,
    "textChars" INTEGER NOT NULL,
    "content" BYTEA,
    "uploadedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "document_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_passage" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "page" INTEGER,
    "heading" TEXT,
    "lineStart" INTEGER,
    "lineEnd" INTEGER,
    "text" TEXT NOT NULL,

    CONSTRAINT "document_passage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_tag" (
    "documentId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "document_tag_pkey" PRIMARY KEY ("documentId","tag")
);

-- CreateIndex
CREATE INDEX "document_workspaceId_folder_idx" ON "document"("workspaceId", "folder");

-- CreateIndex
CREATE INDEX "document_workspaceId_updatedAt_idx" ON "document"("workspaceId", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "document_workspaceId_name_key" ON "document"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "document_version_documentId_number_key" ON "document_version"("documentId", "number");

-- CreateIndex
CREATE INDEX "document_passage_documentId_ordinal_idx" ON "document_passage"("documentId", "ordinal");

-- CreateIndex
CREATE INDEX "document_passage_workspaceId_idx" ON "document_passage"("workspaceId");

-- CreateIndex
CREATE INDEX "document_tag_workspaceId_tag_idx" ON "document_tag"("workspaceId", "tag");

-- AddForeignKey
ALTER TABLE "document" ADD CONSTRAINT "document_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_version" ADD CONSTRAINT "document_version_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_passage" ADD CONSTRAINT "document_passage_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_tag" ADD CONSTRAINT "document_tag_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- hand-written: full-text search of document passages. A tsvector of the heading path (weight A) and the text
-- (weight B) in the document's language, written by the service with the passages (server/documents/search-postgres.ts),
-- and a GIN index over it.
ALTER TABLE "document_passage" ADD COLUMN "tsv" tsvector;

CREATE INDEX "document_passage_tsv_idx" ON "document_passage" USING GIN ("tsv");
