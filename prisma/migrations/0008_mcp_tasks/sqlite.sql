-- CreateTable
CREATE TABLE "mcp_task" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusMessage" TEXT,
    "ttlMs" INTEGER,
    "pollIntervalMs" INTEGER NOT NULL,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUpdatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,
    CONSTRAINT "mcp_task_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "mcp_task_workspaceId_principalId_createdAt_idx" ON "mcp_task"("workspaceId", "principalId", "createdAt");

-- CreateIndex
CREATE INDEX "mcp_task_status_heartbeatAt_idx" ON "mcp_task"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "mcp_task_expiresAt_idx" ON "mcp_task"("expiresAt");

