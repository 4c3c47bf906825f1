-- CreateTable
CREATE TABLE "connection" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "baseUrl" TEXT NOT NULL DEFAULT '',
    "hosts" JSONB NOT NULL,
    "authKind" TEXT NOT NULL DEFAULT 'none',
    "authConfig" JSONB,
    "credential" TEXT,
    "tokens" TEXT,
    "tokenExpiresAt" TIMESTAMP(3),
    "tokenRevision" INTEGER NOT NULL DEFAULT 0,
    "authState" TEXT NOT NULL DEFAULT 'ok',
    "authMessage" TEXT,
    "authorizedAt" TIMESTAMP(3),
    "authorizedById" TEXT,
    "descriptionSource" BYTEA,
    "descriptionInfo" JSONB,
    "importedAt" TIMESTAMP(3),
    "operationCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "updatedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_operation" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "operationId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '',
    "deprecated" BOOLEAN NOT NULL DEFAULT false,
    "searchText" TEXT NOT NULL,
    "detail" BYTEA NOT NULL,

    CONSTRAINT "connection_operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_authorization" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "stateHash" TEXT NOT NULL,
    "verifier" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_authorization_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "connection" ADD CONSTRAINT "connection_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_operation" ADD CONSTRAINT "connection_operation_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_authorization" ADD CONSTRAINT "connection_authorization_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

