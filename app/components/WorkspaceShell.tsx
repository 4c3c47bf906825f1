"use client";
import { AppShell, Avatar, Badge, Group, Menu, NavLink, Select, Text, UnstyledButton } from "@mantine/core";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { authClient } from "../lib/auth-client";
import type { RouterOutputs } from "../lib/router-types";
import { Logo } from "./Logo";

type Shell = RouterOutputs["account"]["shell"];

export function WorkspaceShell(props: { user: Shell["user"]; workspace: Shell["workspace"]; workspaces: Shell["workspaces"]; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const base = `/w/${props.workspace.slug}`;
  const nav = [
    { href: `${base}/workflows`, label: "Workflows" },
    { href: `${base}/prompts`, label: "Prompts" },
    { href: `${base}/runs`, label: "Runs" },
    { href: `${base}/usage`, label: "Usage" },
    { href: `${base}/documents`, label: "Documents" },
    { href: `${base}/members`, label: "Members" },
    { href: `${base}/settings`, label: "Settings" },
    { href: `${base}/connect`, label: "Connect" },
  ];

  async function signOut() {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: "sm" }} padding="lg">
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between">
          <Group gap="lg">
            <Logo />
            <Select
              aria-label="Workspace"
              value={props.workspace.slug}
              data={[
                ...props.workspaces.map((w) => ({ value: w.slug, label: w.name })),
                { value: "__new__", label: "+ New workspace" },
              ]}
              onChange={(value) => {
                if (value === "__new__") router.push("/workspaces/new");
                else if (value) router.push(`/w/${value}/workflows`);
              }}
              allowDeselect={false}
              w={220}
            />
            <Badge variant="light" aria-label="Your role">
              {props.workspace.role}
            </Badge>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label="Account menu">
                <Group gap="xs">
                  <Avatar size="sm" name={props.user.name} color="initials" />
                  <Text size="sm">{props.user.name}</Text>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{props.user.email}</Menu.Label>
              <Menu.Item onClick={signOut}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Workspace navigation">
        {nav.map((item) => (
          <NavLink key={item.href} component={Link} href={item.href} label={item.label} active={pathname.startsWith(item.href)} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">{props.children}</AppShell.Main>
    </AppShell>
  );
}
