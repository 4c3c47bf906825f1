import { Anchor, Center, Paper, Stack, Text, Title } from "@mantine/core";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "./Logo";

/** The card itself: a title, a line under it and the form. */
export function AuthPaper(props: { title: string; subtitle: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder shadow="sm" p="xl">
      <Title order={2} size="h3">
        {props.title}
      </Title>
      <Text c="dimmed" size="sm" mb="lg">
        {props.subtitle}
      </Text>
      {props.children}
    </Paper>
  );
}

/** The centred card of the pages outside a workspace: sign up, create a workspace. */
export function AuthCard(props: {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
  footer?: { text: string; link: string; href: string };
  width?: number;
}) {
  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Stack w={props.width ?? 400} gap="lg">
        <Center>
          <Logo />
        </Center>
        <AuthPaper title={props.title} subtitle={props.subtitle}>
          {props.children}
        </AuthPaper>
        {props.footer && (
          <Text ta="center" size="sm">
            {props.footer.text}{" "}
            <Anchor component={Link} href={props.footer.href}>
              {props.footer.link}
            </Anchor>
          </Text>
        )}
      </Stack>
    </Center>
  );
}
