-- CreateTable
CREATE TABLE "mcp_stream_event" (
    "streamId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "sessionId" TEXT,
    "message" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("streamId", "seq"),
    CONSTRAINT "mcp_stream_event_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "mcp_stream_event_createdAt_idx" ON "mcp_stream_event"("createdAt");

