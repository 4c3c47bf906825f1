// `toolflow` command line (SPEC §8). Each subcommand registers itself on the program; add new ones with one line below.
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { registerRunCommand } from "../../runtime/cli/run";
import { registerAdminCommands } from "./admin";
import { registerConnectionCommands } from "./connections";
import { registerBackupCommands } from "./backup";
import { registerFolderCommands } from "./folder";
import { registerPromptCommands } from "./prompts";

export function buildProgram(): Command {
  const program = new Command()
    .name("toolflow")
    .description("Turn visual tool workflows into MCP tools.")
    .showHelpAfterError()
    .exitOverride((error) => {
      // Help and version are not failures; usage errors exit 1 like everything else that went wrong.
      process.exit(error.exitCode === 0 ? 0 : 1);
    });
  registerRunCommand(program);
  registerAdminCommands(program);
  registerConnectionCommands(program);
  registerBackupCommands(program);
  registerFolderCommands(program);
  registerPromptCommands(program);
  return program;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
