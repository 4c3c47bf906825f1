"use client";
import { Stack, Tabs, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "../../lib/trpc";
import { ConnectionsPanel } from "../connections/ConnectionsPanel";
import { ApiKeysPanel } from "./ApiKeysPanel";
import { AuditPanel } from "./AuditPanel";
import { ConnectedAppsPanel } from "./ConnectedAppsPanel";
import { LimitsPanel } from "./LimitsPanel";
import { SecretsPanel } from "./SecretsPanel";
import type { SettingsTab } from "./tabs";


export function SettingsPanel({ workspace, tab }: { workspace: string; tab: SettingsTab }) {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const isOwner = me.data?.role === "owner";
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        Settings
      </Title>
      <Tabs value={tab} onChange={(t) => t && router.replace(`/w/${workspace}/settings?tab=${t}`, { scroll: false })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
          <Tabs.Tab value="secrets">Secrets</Tabs.Tab>
          <Tabs.Tab value="connections">Connections</Tabs.Tab>
          <Tabs.Tab value="apps">Connected apps</Tabs.Tab>
          <Tabs.Tab value="limits">Limits</Tabs.Tab>
          <Tabs.Tab value="audit">Audit log</Tabs.Tab>
        </Tabs.List>
        {me.data && (
          <>
            <Tabs.Panel value="keys">
              <ApiKeysPanel workspace={workspace} isOwner={isOwner} />
            </Tabs.Panel>
            <Tabs.Panel value="secrets">
              <SecretsPanel workspace={workspace} isOwner={isOwner} />
            </Tabs.Panel>
            <Tabs.Panel value="connections">
              <ConnectionsPanel workspace={workspace} isOwner={isOwner} />
            </Tabs.Panel>
            <Tabs.Panel value="apps">
              <ConnectedAppsPanel workspace={workspace} isOwner={isOwner} />
            </Tabs.Panel>
            <Tabs.Panel value="limits">
              <LimitsPanel workspace={workspace} isOwner={isOwner} />
            </Tabs.Panel>
            <Tabs.Panel value="audit">
              <AuditPanel workspace={workspace} isOwner={isOwner} />
            </Tabs.Panel>
          </>
        )}
      </Tabs>
    </Stack>
  );
}
