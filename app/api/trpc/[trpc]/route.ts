import { createTrpcHandler } from "../../../../server/trpc/http";

// The origin check for state-changing requests lives in the handler (server/trpc/http.ts), so every procedure has it.
const handler = createTrpcHandler();

export { handler as GET, handler as POST };
