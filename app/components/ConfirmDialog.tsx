"use client";
// "Are you sure?" for actions that change what clients get or cannot be undone (archive, revoke, delete, rollback):
// says what will happen, and acts only on the button that names the action.
import { Button, Group, Modal } from "@mantine/core";
import type { ReactNode } from "react";

export function ConfirmDialog(props: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      {props.children}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={props.onClose}>
          Cancel
        </Button>
        <Button color={props.color} loading={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
}
