-- CreateTable
CREATE TABLE "mcp_rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "mcp_rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "mcp_session" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "protocolVersion" TEXT NOT NULL,
    "clientInfo" JSONB NOT NULL,
    "clientCapabilities" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mcp_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mcp_session_workspaceId_idx" ON "mcp_session"("workspaceId");

-- CreateIndex
CREATE INDEX "mcp_session_lastSeenAt_idx" ON "mcp_session"("lastSeenAt");

-- AddForeignKey
ALTER TABLE "mcp_session" ADD CONSTRAINT "mcp_session_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

