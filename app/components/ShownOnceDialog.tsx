"use client";
// A credential the server shows exactly once (an API key, an invitation link): the value, a Copy button, and a
// warning that it will not be shown again.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack } from "@mantine/core";

export function ShownOnceDialog(props: {
  /** The value; null keeps the dialog closed. */
  value: string | null;
  title: string;
  /** Accessible name of the value, e.g. "New API key". */
  label: string;
  /** What the person should know besides "copy it now". */
  warning: string;
  onClose: () => void;
}) {
  return (
    <Modal opened={props.value !== null} onClose={props.onClose} title={props.title} closeOnClickOutside={false} size="lg">
      <Stack>
        <Alert color="yellow" variant="light">
          {props.warning}
        </Alert>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, wordBreak: "break-all" }} aria-label={props.label}>
            {props.value}
          </Code>
          <CopyButton value={props.value ?? ""}>
            {({ copied, copy }) => (
              <Button onClick={copy} color={copied ? "teal" : undefined} w={90}>
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            I have copied it
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
