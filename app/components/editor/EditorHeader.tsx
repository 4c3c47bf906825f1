"use client";
// The editor's header: where the workflow is (title, tool name, status, save state) and what can be done with it.
// It only shows state and reports clicks; WorkflowEditor owns the document, history and publishing.
import { Anchor, Badge, Box, Button, Group, Menu, Text, Title, Tooltip } from "@mantine/core";
import Link from "next/link";
import classes from "./EditorHeader.module.css";

export type HeaderStatus = { state: "draft" } | { state: "live"; version: number; changedSinceLive: boolean };
export type HeaderSaveState = "saved" | "dirty" | "saving" | "conflict" | "error";

export interface EditorHeaderProps {
  workspace: string;
  /** The tool name (fixed for the workflow's life). */
  name: string;
  /** The draft's title; the tool name stands in when it has none. */
  title: string | undefined;
  status: HeaderStatus;
  saveState: HeaderSaveState;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** Why Publish is disabled, or null when it is not. */
  publishBlocked: string | null;
  onUndo: () => void;
  onRedo: () => void;
  onAutoLayout: () => void;
  onExport: () => void;
  onTest: () => void;
  onPublish: () => void;
}

/** What the status badge says: the same words as the workflows list. */
export function statusLabel(status: HeaderStatus): string {
  return status.state === "draft" ? "draft" : `live v${status.version}${status.changedSinceLive ? " · changed since live" : ""}`;
}

function saveLabel(saveState: HeaderSaveState, readOnly: boolean): string {
  if (readOnly) return "Read only";
  switch (saveState) {
    case "saved":
      return "All changes saved";
    case "saving":
      return "Saving…";
    case "dirty":
      return "Unsaved changes";
    case "conflict":
      return "Not saved: changed elsewhere";
    case "error":
      return "Not saved";
  }
}

// Everything but the title keeps its natural width: a squeezed button or badge clips its own label ("Und", "D.").
const fixed = { flexShrink: 0, whiteSpace: "nowrap" } as const;
const ellipsis = { minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" } as const;

export function EditorHeader(props: EditorHeaderProps) {
  const { workspace, name, status, saveState, readOnly } = props;
  const title = props.title || name;
  const secondary = [
    { label: "Undo", onClick: props.onUndo, disabled: readOnly || !props.canUndo, shortcut: "Ctrl+Z", keys: "Control+Z Meta+Z" },
    { label: "Redo", onClick: props.onRedo, disabled: readOnly || !props.canRedo, shortcut: "Ctrl+Shift+Z", keys: "Control+Shift+Z Meta+Shift+Z Control+Y" },
    { label: "Auto-layout", onClick: props.onAutoLayout, disabled: readOnly },
    { label: "Export", onClick: props.onExport, disabled: false },
  ];

  return (
    <Box component="section" aria-label="Workflow header" className={classes.header}>
      <Group justify="space-between" wrap="nowrap" gap="md">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
          <Anchor component={Link} href={`/w/${workspace}/workflows`} size="sm" style={fixed}>
            ← Workflows
          </Anchor>
          <Box style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs" wrap="nowrap">
              <Tooltip label={title} multiline maw={480} openDelay={300} withinPortal>
                <Title order={1} size="h4" title={title} style={ellipsis}>
                  {title}
                </Title>
              </Tooltip>
              <Badge
                variant="light"
                color={status.state === "draft" ? "gray" : status.changedSinceLive ? "yellow" : "green"}
                aria-label="Status"
                style={fixed}
              >
                {statusLabel(status)}
              </Badge>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <Text size="xs" c="dimmed" ff="monospace" title={name} style={ellipsis}>
                {name}
              </Text>
              {/* A text link, not more header buttons: a crowded header made panning large canvases slow (npm run bench). */}
              <Anchor component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(name)}/versions`} size="xs" style={fixed}>
                Versions &amp; runs
              </Anchor>
              <Text
                size="xs"
                c={saveState === "conflict" || saveState === "error" ? "red" : saveState === "saved" ? "dimmed" : "orange"}
                role="status"
                aria-live="polite"
                aria-label="Save status"
                style={fixed}
              >
                {saveState === "dirty" ? "● " : ""}
                {saveLabel(saveState, readOnly)}
              </Text>
            </Group>
          </Box>
        </Group>
        <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
          {/* Both forms are rendered and the stylesheet shows one by the header's width; a hidden one (display: none)
              is out of the accessibility tree, so each action has one accessible name on screen. */}
          <Group gap={6} wrap="nowrap" className={classes.secondaryInline}>
            {secondary.map((a) => (
              <Button
                key={a.label}
                size="xs"
                variant="default"
                onClick={a.onClick}
                disabled={a.disabled}
                title={a.shortcut ? `${a.label} (${a.shortcut})` : undefined}
                aria-keyshortcuts={a.keys}
                style={fixed}
              >
                {a.label}
              </Button>
            ))}
          </Group>
          <Box className={classes.secondaryMenu}>
            <Menu position="bottom-end" width={210} withinPortal>
              <Menu.Target>
                <Button size="xs" variant="default" aria-label="More actions" rightSection={<span aria-hidden>▾</span>} style={fixed}>
                  More
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {secondary.map((a) => (
                  <Menu.Item
                    key={a.label}
                    onClick={a.onClick}
                    disabled={a.disabled}
                    aria-keyshortcuts={a.keys}
                    rightSection={
                      a.shortcut ? (
                        <Text size="xs" c="dimmed" aria-hidden>
                          {a.shortcut}
                        </Text>
                      ) : undefined
                    }
                  >
                    {a.label}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Box>
          <Button size="xs" variant="light" onClick={props.onTest} style={fixed}>
            Test
          </Button>
          <Tooltip label={props.publishBlocked ?? "Publish a new version"} withinPortal>
            <Button size="xs" onClick={props.onPublish} disabled={props.publishBlocked !== null} aria-describedby="publish-reason" style={fixed}>
              Publish
            </Button>
          </Tooltip>
          <Text id="publish-reason" size="xs" c="dimmed" maw={170}>
            {props.publishBlocked ?? ""}
          </Text>
        </Group>
      </Group>
    </Box>
  );
}
