"use client";
// What a visitor sees before signing in: what Toolflow is, in plain words, beside the sign-in card, with creating an
// account as the first thing to do. Nothing is fetched from elsewhere: system fonts, the local logo, no images.
import { Alert, Box, Button, Container, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "../lib/trpc";
import { Logo } from "./Logo";

const POINTS: { title: string; text: string }[] = [
  {
    title: "Build without code",
    text: "Draw the steps on a canvas — look up a customer in the CRM, fetch their open tickets, write a summary — and try them with real data before anyone else sees them.",
  },
  {
    title: "Publish when it works",
    text: "One click makes it a tool your assistant can use. Every publish is kept as a version you can go back to, and every call is recorded so you can see what happened.",
  },
  {
    title: "Connect your AI assistant",
    text: "Claude, ChatGPT, Cursor, VS Code and other assistants connect to your workspace and use its tools. The passwords and keys of your systems stay in Toolflow; the assistant never sees them.",
  },
];

export function Landing({ signUpHref, children }: { signUpHref: string; children: ReactNode }) {
  return (
    <Box mih="100vh" bg="gray.0" py={48} px="md" component="main">
      <Container size={1120}>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing={56} style={{ alignItems: "center" }}>
          <Stack gap="lg" component="section" aria-labelledby="landing-title">
            <Logo />
            <Title order={1} id="landing-title" fz={{ base: 30, md: 38 }} lh={1.15}>
              Turn your company&apos;s systems into tools your AI assistant can use.
            </Title>
            <Text size="lg" c="dimmed">
              Toolflow is for the people who know the work: operations, support and sales teams. You describe a task once, and the assistant can then do it for you, the same way each time.
            </Text>
            <Stack gap="md" component="ol" p={0} m={0} style={{ listStyle: "none" }}>
              {POINTS.map((p, i) => (
                <Group key={p.title} component="li" align="flex-start" wrap="nowrap" gap="sm">
                  <ThemeIcon radius="xl" size={28} variant="light" aria-hidden>
                    {i + 1}
                  </ThemeIcon>
                  <div>
                    <Text fw={600}>{p.title}</Text>
                    <Text size="sm" c="dimmed">
                      {p.text}
                    </Text>
                  </div>
                </Group>
              ))}
            </Stack>
            <CreateAccount href={signUpHref} />
          </Stack>
          <Box maw={420} w="100%" mx="auto">
            {children}
          </Box>
        </SimpleGrid>
      </Container>
    </Box>
  );
}

/** Creating an account, unless this server takes new people by invitation only (then it says so instead). */
function CreateAccount({ href }: { href: string }) {
  const trpc = useTRPC();
  const state = useQuery(trpc.account.signUpState.queryOptions({}, { staleTime: 60_000 }));
  if (state.data?.kind === "refused") {
    return (
      <Alert color="gray" variant="light" title="New accounts">
        {state.data.message}
      </Alert>
    );
  }
  return (
    <Group gap="md">
      <Button component={Link} href={href} size="lg">
        Create an account
      </Button>
      <Text size="sm" c="dimmed">
        It takes a minute: your name, email and a password.
      </Text>
    </Group>
  );
}
