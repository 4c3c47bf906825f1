"use client";
import { Alert, Button, Center, Group, List, Loader, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ConsentView } from "../../../server/services/oauthClients";
import { AuthCard } from "../../components/AuthCard";
import { authClient } from "../../lib/auth-client";
import { useLocationSearch } from "../../lib/location-search";
import { useTRPC } from "../../lib/trpc";

/**
 * Reads the signed request from the address, asks the server what it means for the signed-in person, and shows it.
 * Not signed in (the authorization server sends `prompt=consent` requests here first): on to sign-in, whose form carries
 * the same signed query and brings the person back here.
 */
export function ConsentForm() {
  const trpc = useTRPC();
  const query = useLocationSearch();
  const described = useQuery({ ...trpc.oauth.describeConsent.queryOptions({ query: query ?? "" }), enabled: !!query, retry: false });
  const failure = described.error as { data?: { code?: string } | null; message: string } | null;
  useEffect(() => {
    if (failure?.data?.code === "UNAUTHORIZED") window.location.replace(`/sign-in?${query}`);
  }, [failure, query]);
  if (query === "") return <Invalid message="This approval link is incomplete. Go back to the app and connect again." />;
  if (failure && failure.data?.code !== "UNAUTHORIZED") return <Invalid message={failure.message} />;
  if (!described.data) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading the request" />
      </Center>
    );
  }
  return <Ask view={described.data.view} user={described.data.user} />;
}

function Invalid({ message }: { message: string }) {
  return (
    <AuthCard title="This app cannot be connected" subtitle="The request to connect it is not valid.">
      <Alert color="red" role="alert">
        {message}
      </Alert>
    </AuthCard>
  );
}

/** Allow or deny: the authorization server answers with where to send the browser (back to the app, with a code or an error). */
function Ask({ view, user }: { view: ConsentView; user: { name: string; email: string } }) {
  const [busy, setBusy] = useState<"allow" | "deny" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function answer(accept: boolean) {
    setBusy(accept ? "allow" : "deny");
    setError(null);
    // The client plugin adds this page's signed query (oauth_query), which says which request is being answered.
    const { data, error: failure } = await authClient.$fetch<{ url?: string }>("/oauth2/consent", { method: "POST", body: { accept } });
    if (failure || !data?.url) {
      setBusy(null);
      const detail = failure as { error_description?: string; message?: string } | null;
      setError(detail?.error_description ?? detail?.message ?? "The answer could not be sent. Go back to the app and connect again.");
      return;
    }
    window.location.assign(data.url);
  }

  return (
    <AuthCard
      width={480}
      title={`Connect ${view.clientName}`}
      subtitle={
        <>
          <strong>{view.clientName}</strong> at <strong>{view.redirectHost}</strong> wants to use the tools of <strong>{view.workspace.name}</strong>.
        </>
      }
    >
      <Stack>
        {view.abilities.length > 0 && (
          <div>
            <Text size="sm" fw={600} mb={4}>
              If you allow it, it may:
            </Text>
            <List size="sm" spacing={4}>
              {view.abilities.map((ability) => (
                <List.Item key={ability}>{ability}</List.Item>
              ))}
            </List>
          </div>
        )}
        <Text size="sm" c="dimmed">
          It acts as you ({user.email}), only in {view.workspace.name}. It stops working if you leave the workspace or an owner
          disconnects it under Settings → Connected apps. Allow only apps you trust: your answers go back to {view.redirectHost}.
        </Text>
        {view.refusal && (
          <Alert color="orange" role="alert" title="You cannot connect this app">
            {view.refusal}
          </Alert>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void answer(false)} loading={busy === "deny"} disabled={busy !== null}>
            {view.allowed ? "Deny" : `Back to ${view.clientName}`}
          </Button>
          {view.allowed && (
            <Button onClick={() => void answer(true)} loading={busy === "allow"} disabled={busy !== null}>
              Allow
            </Button>
          )}
        </Group>
      </Stack>
    </AuthCard>
  );
}
