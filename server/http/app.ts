// The app half of a Toolflow process: its API (tRPC, auth) in this process's one copy of the server code, then pages
// through Next.js. main.ts loads this module after the port is open, so the MCP endpoints never wait for it.
import { appApiRoute, createAppApi } from "./app-api";
import { isDocumentFilePath, serveDocumentFiles } from "./document-files";
import { serveFetch } from "./fetch-bridge";
import { pageRedirect } from "./page-gate";
import type { RequestHandler } from "./server";

export interface LoadedApp {
  handle: RequestHandler;
  close(): Promise<void>;
}

export async function loadApp(options: { dev: boolean; dir: string; hostname: string; port: number }): Promise<LoadedApp> {
  // Next.js is the one piece of the app server code does not import statically (SPEC §1 boundaries).
  const { default: next } = await import("next");
  const nextApp = next(options);
  await nextApp.prepare();
  const pages = nextApp.getRequestHandler();
  const api = createAppApi();
  return {
    async handle(req, res) {
      const pathname = (req.url ?? "/").split("?")[0]!;
      // Document files stream their bodies themselves (progress, the per-workspace size limit), outside the Fetch API.
      if (isDocumentFilePath(pathname)) return serveDocumentFiles(req, res);
      if (appApiRoute(pathname)) return serveFetch(api, req, res);
      const location = await pageRedirect(req);
      if (location) {
        res.writeHead(307, { location, "cache-control": "no-store" });
        return void res.end();
      }
      return pages(req, res);
    },
    close: () => nextApp.close(),
  };
}
