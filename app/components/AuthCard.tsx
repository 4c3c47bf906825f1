import { Anchor, Center, Paper, Stack, Text, Title } from "@mantine/core";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "./Logo";

export function AuthCard(props: { title: string; subtitle: string; children: ReactNode; footer: { text: string; link: string; href: string } }) {
  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Stack w={400} gap="lg">
        <Center>
          <Logo />
        </Center>
        <Paper withBorder shadow="sm" p="xl">
          <Title order={2} size="h3">
            {props.title}
          </Title>
          <Text c="dimmed" size="sm" mb="lg">
            {props.subtitle}
          </Text>
          {props.children}
        </Paper>
        <Text ta="center" size="sm">
          {props.footer.text}{" "}
          <Anchor component={Link} href={props.footer.href}>
            {props.footer.link}
          </Anchor>
        </Text>
      </Stack>
    </Center>
  );
}
