"use client";
import { Alert, Center, Loader } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { notFound, useParams } from "next/navigation";
import type { ReactNode } from "react";
import { WorkspaceShell } from "../../components/WorkspaceShell";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { errorCode, useSignInRedirect } from "../../lib/use-signed-in";

export default function WorkspaceLayout({ children }: { children: ReactNode }) {
  const { slug } = useParams<{ slug: string }>();
  const trpc = useTRPC();
  const shell = useQuery(trpc.account.shell.queryOptions({ workspace: slug }));
  useSignInRedirect(shell.error);
  // "Not a member" and "no such workspace" look the same, as the API answers them.
  if (errorCode(shell.error) === "NOT_FOUND") notFound();
  if (shell.error && errorCode(shell.error) !== "UNAUTHORIZED") {
    return (
      <Center h="100vh">
        <Alert color="red" role="alert" title="This workspace could not be opened">
          {describeError(shell.error).message}
        </Alert>
      </Center>
    );
  }
  if (!shell.data) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading the workspace" />
      </Center>
    );
  }
  return (
    <WorkspaceShell user={shell.data.user} workspace={shell.data.workspace} workspaces={shell.data.workspaces}>
      {children}
    </WorkspaceShell>
  );
}
