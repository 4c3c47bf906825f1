"use client";
// Publishing: saves the draft first, then makes it a new live version. A refusal is handed back to the editor, which
// shows it until the workflow is changed (the change may well be the fix).
import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { problemsOf } from "./useTestRun";

export function PublishDialog(props: {
  workspace: string;
  name: string;
  opened: boolean;
  saving: boolean;
  onClose: () => void;
  /** Saves the draft now; false when it could not be saved. */
  flush: () => Promise<boolean>;
  onFailed: (message: string) => void;
}) {
  const { workspace, name } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const publish = useMutation(trpc.workflows.publish.mutationOptions());
  const [note, setNote] = useState("");

  async function doPublish() {
    if (!(await props.flush())) {
      props.onClose();
      props.onFailed("The draft could not be saved first.");
      return;
    }
    try {
      const version = await publish.mutateAsync({ workspace, name, note });
      props.onClose();
      setNote("");
      notifications.show({ color: "green", title: "Published", message: `Version ${version.number} of ${name} is live.` });
      void queryClient.invalidateQueries({ queryKey: trpc.workflows.get.queryKey({ workspace, name }) });
    } catch (error) {
      const list = problemsOf(error);
      props.onClose();
      props.onFailed(list ? list.map((p) => p.message).join("\n") : describeError(error).message);
    }
  }

  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Publish ${name}`}>
      <Stack>
        <Text size="sm">A new immutable version becomes live at once on this workspace&apos;s MCP endpoint.</Text>
        <Textarea label="Note" placeholder="What changed?" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={() => void doPublish()} loading={publish.isPending || props.saving}>
            Publish version
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
