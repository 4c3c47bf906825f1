-- CreateTable
CREATE TABLE "mcp_task" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusMessage" TEXT,
    "ttlMs" INTEGER,
    "pollIntervalMs" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,

    CONSTRAINT "mcp_task_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mcp_task_workspaceId_principalId_createdAt_idx" ON "mcp_task"("workspaceId", "principalId", "createdAt");

-- CreateIndex
CREATE INDEX "mcp_task_status_heartbeatAt_idx" ON "mcp_task"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "mcp_task_expiresAt_idx" ON "mcp_task"("expiresAt");

-- AddForeignKey
ALTER TABLE "mcp_task" ADD CONSTRAINT "mcp_task_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

