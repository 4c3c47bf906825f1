"use client";
// The editor's side panel: the selected step (or the workflow's settings), the test run and the problems. Memoised:
// what only the canvas cares about (cards measured, lines selected, the view moving) does not draw the panel again,
// whose text areas measure themselves, forcing a layout of the whole page, each time they are drawn.
import { Box, Tabs } from "@mantine/core";
import { memo } from "react";
import type { Problem } from "../../../runtime/model";
import { applyKeyFix, type ScopeOption } from "./document";
import type { ArgField, DocEdge, DocNode, RunEntry, WorkflowDoc } from "./graph";
import { NodePanel } from "./NodePanel";
import { ProblemsList } from "./ProblemsList";
import { TestRunPanel, type TestOutcome } from "./TestRunPanel";
import type { ApplyOptions } from "./useWorkflowDocument";
import { WorkflowSettings } from "./WorkflowSettings";

export interface EditorSidePanelProps {
  tab: string | null;
  onTab: (tab: string | null) => void;
  doc: WorkflowDoc;
  selectedNode: DocNode | undefined;
  selectionCount: number;
  readOnly: boolean;
  secretNames: string[];
  pick: ScopeOption[];
  problems: Problem[];
  problemsByNode: ReadonlyMap<string, Problem[]>;
  blocking: number;
  runByNode: ReadonlyMap<string, RunEntry>;
  argFields: ArgField[];
  running: boolean;
  outcome: TestOutcome | null;
  runError: string | null;
  resultStale: boolean;
  errorStale: boolean;
  onRun: (args: Record<string, unknown>) => void;
  onChangeNode: (node: DocNode, coalesce?: string) => void;
  onRename: (from: string, to: string) => string | null;
  onConnect: (edge: DocEdge) => void;
  onDisconnect: (edge: DocEdge) => void;
  onRemoveNodes: (ids: ReadonlySet<string>) => void;
  onApply: (doc: WorkflowDoc, options?: ApplyOptions) => void;
  onPickProblem: (nodeId: string) => void;
}

export const EditorSidePanel = memo(function EditorSidePanel(props: EditorSidePanelProps) {
  const { selectedNode, problems, blocking, readOnly } = props;
  return (
    <Tabs value={props.tab} onChange={props.onTab} style={{ display: "flex", flexDirection: "column", minHeight: 0, flex: 1 }}>
      <Tabs.List>
        <Tabs.Tab value="node">{selectedNode ? "Node" : "Workflow"}</Tabs.Tab>
        <Tabs.Tab value="test">Test run</Tabs.Tab>
        <Tabs.Tab value="problems" color={blocking ? "red" : problems.length ? "yellow" : undefined}>
          Problems ({problems.length})
        </Tabs.Tab>
      </Tabs.List>
      <Box p="sm" style={{ overflowY: "auto", flex: 1, minHeight: 0 }}>
        <Tabs.Panel value="node">
          {selectedNode ? (
            <NodePanel
              key={selectedNode.id}
              doc={props.doc}
              node={selectedNode}
              readOnly={readOnly}
              secrets={props.secretNames}
              pick={props.pick}
              problems={props.problemsByNode.get(selectedNode.id) ?? []}
              run={props.runByNode.get(selectedNode.id)}
              onChange={props.onChangeNode}
              onRename={props.onRename}
              onConnect={props.onConnect}
              onDisconnect={props.onDisconnect}
              onDelete={() => props.onRemoveNodes(new Set([selectedNode.id]))}
            />
          ) : (
            <WorkflowSettings doc={props.doc} readOnly={readOnly} selectionCount={props.selectionCount} onChange={(next, key) => props.onApply(next, { coalesce: key })} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="test">
          <TestRunPanel
            fields={props.argFields}
            running={props.running}
            disabledReason={readOnly ? "Viewers cannot run tests." : null}
            onRun={props.onRun}
            outcome={props.outcome}
            runError={props.runError}
            resultStale={props.resultStale}
            errorStale={props.errorStale}
          />
        </Tabs.Panel>
        <Tabs.Panel value="problems">
          <ProblemsList problems={problems} onPick={props.onPickProblem} onFix={readOnly ? undefined : (fix) => props.onApply(applyKeyFix(props.doc, fix))} />
        </Tabs.Panel>
      </Box>
    </Tabs>
  );
});
