-- CreateTable
CREATE TABLE "mcp_rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "mcp_rate_limits_pkey" PRIMARY KEY ("key")
);

