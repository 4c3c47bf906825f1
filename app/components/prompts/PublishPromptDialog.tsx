"use client";
// Publishing a prompt: saves the draft first, then freezes it as a new live version. A refusal lists what to fix.
import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

export function PublishPromptDialog(props: { workspace: string; name: string; opened: boolean; onClose: () => void; flush: () => Promise<boolean>; onFailed: (message: string) => void }) {
  const { workspace, name } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const publish = useMutation(trpc.prompts.publish.mutationOptions());
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
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.prompts.get.queryKey({ workspace, name }) }),
        queryClient.invalidateQueries({ queryKey: trpc.prompts.list.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.prompts.versions.queryKey({ workspace, name }) }),
      ]);
    } catch (error) {
      props.onClose();
      props.onFailed(describeError(error).message);
    }
  }

  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Publish ${name}`}>
      <Stack>
        <Text size="sm">A new immutable version becomes live at once: AI clients connected to this workspace get it as an MCP prompt.</Text>
        <Textarea label="Note" placeholder="What changed?" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={() => void doPublish()} loading={publish.isPending}>
            Publish version
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
