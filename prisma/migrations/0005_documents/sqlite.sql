-- CreateTable
CREATE TABLE "document" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "folder" TEXT NOT NULL DEFAULT '',
    "language" TEXT NOT NULL DEFAULT 'english',
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "kind" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "document_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "document_version" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "documentId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "pageCount" INTEGER,
    "passageCount" INTEGER NOT NULL,
    "textChars" INTEGER NOT NULL,
    "content" BLOB,
    "uploadedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "document_version_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "document" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "document_passage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workspaceId" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "page" INTEGER,
    "heading" TEXT,
    "lineStart" INTEGER,
    "lineEnd" INTEGER,
    "text" TEXT NOT NULL,
    CONSTRAINT "document_passage_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "document" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "document_tag" (
    "documentId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("documentId", "tag"),
    CONSTRAINT "document_tag_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "document" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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

-- hand-written: full-text index of document passages. An FTS5 table over document_passage (external content: the
-- text is stored once, in document_passage), English stemming (porter) over unicode61 tokens without diacritics, kept
-- in step by triggers so every way a passage is written or deleted (the service, cascades) updates it.
CREATE VIRTUAL TABLE "document_passage_fts" USING fts5(
    "heading", "text",
    content = 'document_passage', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER "document_passage_fts_insert" AFTER INSERT ON "document_passage" BEGIN
    INSERT INTO "document_passage_fts" ("rowid", "heading", "text") VALUES (new."id", new."heading", new."text");
END;

CREATE TRIGGER "document_passage_fts_delete" AFTER DELETE ON "document_passage" BEGIN
    INSERT INTO "document_passage_fts" ("document_passage_fts", "rowid", "heading", "text") VALUES ('delete', old."id", old."heading", old."text");
END;

CREATE TRIGGER "document_passage_fts_update" AFTER UPDATE ON "document_passage" BEGIN
    INSERT INTO "document_passage_fts" ("document_passage_fts", "rowid", "heading", "text") VALUES ('delete', old."id", old."heading", old."text");
    INSERT INTO "document_passage_fts" ("rowid", "heading", "text") VALUES (new."id", new."heading", new."text");
END;
