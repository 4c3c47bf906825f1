"use client";
// The banners above the canvas: why the workflow is read-only, a save conflict to resolve, a save or publish that
// failed. Each shows only while it is true: a publish refusal goes once the workflow is changed.
import { Alert, Button, Group, Text } from "@mantine/core";
import type { HeaderSaveState } from "./EditorHeader";

export function EditorBanners(props: {
  readOnly: boolean;
  archived: boolean;
  saveState: HeaderSaveState;
  saveError: string | null;
  /** Why the last publish was refused, while the workflow is still the one refused. */
  publishError: string | null;
  onReload: () => void;
  onOverwrite: () => void;
  onRetrySave: () => void;
  onDismissPublishError: () => void;
}) {
  return (
    <>
      {props.readOnly && (
        <Alert color="gray" p="xs">
          {props.archived ? "This workflow is archived: it is shown read-only." : "You are a viewer in this workspace: you can look, but not change, test or publish."}
        </Alert>
      )}
      {props.saveState === "conflict" && (
        <Alert color="red" p="xs" title="This workflow was changed elsewhere" role="alert">
          <Text size="sm">{props.saveError} Your edits are kept here until you choose.</Text>
          <Group mt="xs" gap="xs">
            <Button size="xs" variant="default" onClick={props.onReload}>
              Reload
            </Button>
            <Button size="xs" color="red" onClick={props.onOverwrite}>
              Overwrite
            </Button>
          </Group>
        </Alert>
      )}
      {props.saveState === "error" && props.saveError && (
        <Alert color="red" p="xs" title="Not saved">
          {props.saveError}{" "}
          <Button size="compact-xs" variant="default" onClick={props.onRetrySave}>
            Retry
          </Button>
        </Alert>
      )}
      {props.publishError && (
        <Alert color="red" p="xs" title="Not published" role="alert" withCloseButton closeButtonLabel="Dismiss" onClose={props.onDismissPublishError} style={{ whiteSpace: "pre-wrap" }}>
          {props.publishError}
          <Text size="xs" c="dimmed" mt={4}>
            This goes away once you change the workflow; then publish again.
          </Text>
        </Alert>
      )}
    </>
  );
}
