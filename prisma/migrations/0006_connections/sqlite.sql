-- CreateTable
CREATE TABLE "connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "baseUrl" TEXT NOT NULL DEFAULT '',
    "hosts" JSONB NOT NULL,
    "authKind" TEXT NOT NULL DEFAULT 'none',
    "authConfig" JSONB,
    "credential" TEXT,
    "tokens" TEXT,
    "tokenExpiresAt" DATETIME,
    "tokenRevision" INTEGER NOT NULL DEFAULT 0,
    "authState" TEXT NOT NULL DEFAULT 'ok',
    "authMessage" TEXT,
    "authorizedAt" DATETIME,
    "authorizedById" TEXT,
    "descriptionSource" BLOB,
    "descriptionInfo" JSONB,
    "importedAt" DATETIME,
    "operationCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "updatedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "connection_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "connection_operation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "operationId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '',
    "deprecated" BOOLEAN NOT NULL DEFAULT false,
    "searchText" TEXT NOT NULL,
    "detail" BLOB NOT NULL,
    CONSTRAINT "connection_operation_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "connection_authorization" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "stateHash" TEXT NOT NULL,
    "verifier" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "connection_authorization_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "connection_workspaceId_name_key" ON "connection"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "connection_operation_connectionId_position_idx" ON "connection_operation"("connectionId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "connection_operation_connectionId_operationId_key" ON "connection_operation"("connectionId", "operationId");

-- CreateIndex
CREATE UNIQUE INDEX "connection_authorization_stateHash_key" ON "connection_authorization"("stateHash");

-- CreateIndex
CREATE INDEX "connection_authorization_connectionId_idx" ON "connection_authorization"("connectionId");

