"use client";
// The Problems tab: every problem of the workflow, errors apart from warnings, each with a way to its step.
import { Box, Button, Stack, Text } from "@mantine/core";
import type { Problem } from "../../../runtime/model";
import { ProblemText } from "./ProblemText";

export function ProblemsList({ problems, onPick, onFix }: { problems: Problem[]; onPick: (nodeId: string) => void; onFix?: (fix: NonNullable<Problem["fix"]>) => void }) {
  if (!problems.length) {
    return (
      <Text size="sm" c="green.8">
        No problems: this workflow can be published.
      </Text>
    );
  }
  return (
    <Stack gap={6} role="list" aria-label="Problems">
      {problems.map((p, i) => {
        // Warnings come from what is only inferred (the last test run): worth a look, never a reason to refuse.
        const color = p.severity === "warning" ? "yellow" : "red";
        return (
          <Box key={i} role="listitem" p={6} style={{ border: `1px solid var(--mantine-color-${color}-3)`, borderRadius: 6, background: `var(--mantine-color-${color}-0)` }}>
            <Text size="xs">
              {p.severity === "warning" && <b>Check: </b>}
              <ProblemText message={p.message} />
            </Text>
            {p.nodeId && (
              <Button size="compact-xs" variant="subtle" onClick={() => onPick(p.nodeId!)} aria-label={`Show node ${p.nodeId}`}>
                Show {p.nodeId}
              </Button>
            )}
            {/* A key no form shows (an unknown one) can only be fixed here. */}
            {p.fix && onFix && (
              <Button size="compact-xs" variant="subtle" onClick={() => onFix(p.fix!)} aria-label={`${p.fix.renameTo ? `Rename to ${p.fix.renameTo}` : "Remove"}: ${p.path ?? ""}`}>
                {p.fix.renameTo ? `Rename to "${p.fix.renameTo}"` : `Remove "${String(p.fix.path[p.fix.path.length - 1])}"`}
              </Button>
            )}
          </Box>
        );
      })}
    </Stack>
  );
}
