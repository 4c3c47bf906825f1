-- CreateTable
CREATE TABLE "mcp_rate_limits" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT
);

-- CreateTable
CREATE TABLE "mcp_session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "protocolVersion" TEXT NOT NULL,
    "clientInfo" JSONB NOT NULL,
    "clientCapabilities" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "mcp_session_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "mcp_session_workspaceId_idx" ON "mcp_session"("workspaceId");

-- CreateIndex
CREATE INDEX "mcp_session_lastSeenAt_idx" ON "mcp_session"("lastSeenAt");

