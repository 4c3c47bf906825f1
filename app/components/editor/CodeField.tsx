"use client";
// CodeMirror fields: expressions (`{{ }}` highlighted, with a field picker that inserts `{{ input.x }}` / `{{ steps.id.y }}`
// at the cursor) and code (JavaScript, SQL, JSON). Each editor carries its label as its accessible name. A field dragged
// in (drag-to-map) lands where it is dropped, written as the field's kind of text needs it (nocode/drag.ts).
import { Box, Button, Input, Menu, ScrollArea, Text } from "@mantine/core";
import { javascript } from "@codemirror/lang-javascript";
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import CodeMirror from "@uiw/react-codemirror";
import { useMemo, useRef, type DragEvent } from "react";
import { draggedField, dropText, insertionText, isFieldDrag, startFieldDrag, type DropMode } from "./nocode/drag";

export { insertionText };

export interface PickOption {
  value: string;
  group: string;
  hint?: string;
}

const exprMark = Decoration.mark({ class: "cm-tf-expr" });
const exprMatcher = new MatchDecorator({ regexp: /\{\{[\s\S]*?\}\}/g, decoration: () => exprMark });
const exprHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = exprMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = exprMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

const theme = EditorView.theme({
  "&": { fontSize: "12px", border: "1px solid var(--mantine-color-gray-4)", borderRadius: "4px", background: "white" },
  "&.cm-focused": { outline: "2px solid var(--mantine-color-indigo-3)" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", padding: "4px 0" },
  ".cm-tf-expr": { background: "var(--mantine-color-violet-0)", color: "var(--mantine-color-violet-9)", borderRadius: "3px" },
  ".cm-placeholder": { color: "var(--mantine-color-gray-5)" },
});

/** Which modes take dropped fields: SQL never holds expressions (its values go in the parameters), plain text neither. */
const DROP_MODES: Partial<Record<string, DropMode>> = { expression: "expression", javascript: "javascript", json: "json" };

/** Drops a dragged field at the point it is let go, as the text that mode needs; other drops keep CodeMirror's handling. */
function fieldDrop(mode: DropMode | undefined) {
  return EditorView.domEventHandlers({
    dragover(event, view) {
      if (!isFieldDrag(event.dataTransfer)) return false;
      if (!mode || view.state.readOnly) {
        event.dataTransfer!.dropEffect = "none";
        return true;
      }
      event.preventDefault();
      event.dataTransfer!.dropEffect = "copy";
      return false; // the drop cursor still follows the pointer
    },
    drop(event, view) {
      if (!isFieldDrag(event.dataTransfer)) return false;
      event.preventDefault();
      const path = draggedField(event.dataTransfer);
      if (!mode || !path || view.state.readOnly) return true;
      const pos = view.posAtCoords({ x: event.clientX, y: event.clientY }) ?? view.state.doc.length;
      const text = dropText(mode, view.state.sliceDoc(0, pos), path);
      view.dispatch({ changes: { from: pos, insert: text }, selection: { anchor: pos + text.length }, userEvent: "input.drop" });
      view.focus();
      return true;
    },
  });
}

export function CodeField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  mode: "expression" | "javascript" | "sql" | "json" | "plain";
  help?: string;
  placeholder?: string;
  error?: string;
  readOnly?: boolean;
  required?: boolean;
  pick?: PickOption[];
  preview?: string;
  minHeight?: number;
}) {
  const viewRef = useRef<EditorView | null>(null);
  const focusedOnce = useRef(false);
  const { label, mode } = props;
  const extensions = useMemo(() => {
    const list = [theme, EditorView.lineWrapping, EditorView.contentAttributes.of({ "aria-label": label }), fieldDrop(DROP_MODES[mode])];
    if (mode === "expression") list.push(exprHighlight);
    if (mode === "javascript") list.push(javascript());
    return list;
  }, [label, mode]);

  function insert(path: string) {
    const view = viewRef.current;
    if (!view) {
      props.onChange(props.value + insertionText(props.value, path));
      return;
    }
    const pos = focusedOnce.current ? view.state.selection.main.head : view.state.doc.length;
    const text = insertionText(view.state.sliceDoc(0, pos), path);
    view.dispatch({ changes: { from: pos, insert: text }, selection: { anchor: pos + text.length } });
    // After the menu has closed, the cursor is back in the field, right after what was inserted.
    view.focus();
    setTimeout(() => view.focus(), 0);
  }

  // A field dropped beside the text (on the field's padding or label) goes at the end, as from the picker.
  const dropMode = props.readOnly ? undefined : DROP_MODES[mode];
  const dropHandlers = {
    onDragOver: (e: DragEvent) => {
      if (dropMode && isFieldDrag(e.dataTransfer)) e.preventDefault();
    },
    onDrop: (e: DragEvent) => {
      const path = draggedField(e.dataTransfer);
      if (!dropMode || !path || e.defaultPrevented) return;
      e.preventDefault();
      const view = viewRef.current;
      const before = view ? view.state.doc.toString() : props.value;
      const text = dropText(dropMode, before, path);
      if (view) view.dispatch({ changes: { from: before.length, insert: text }, selection: { anchor: before.length + text.length }, userEvent: "input.drop" });
      else props.onChange(before + text);
    },
  };

  const groups = new Map<string, PickOption[]>();
  for (const option of props.pick ?? []) groups.set(option.group, [...(groups.get(option.group) ?? []), option]);

  return (
    <Input.Wrapper
      labelElement="div"
      label={label}
      description={props.help}
      error={props.error}
      required={props.required}
      inputContainer={(children) => (
        <Box pos="relative" {...dropHandlers}>
          {children}
          {props.pick && !props.readOnly && (
            <Menu position="bottom-end" withinPortal shadow="md" width={280} returnFocus={false}>
              <Menu.Target>
                <Button size="compact-xs" variant="light" aria-label={`Insert field into ${label}`} style={{ position: "absolute", right: 4, top: -24 }}>
                  {"{ } Insert field"}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <ScrollArea.Autosize mah={300}>
                  {groups.size === 0 && <Menu.Label>No fields yet: add parameters to the input node</Menu.Label>}
                  {[...groups.entries()].map(([group, options]) => (
                    <Box key={group}>
                      <Menu.Label>{group}</Menu.Label>
                      {options.map((o) => (
                        <Menu.Item key={o.value} aria-label={o.value} onClick={() => insert(o.value)} draggable onDragStart={(e) => startFieldDrag(e.dataTransfer, o.value)} rightSection={o.hint ? <Text size="10px" c="dimmed" maw={110} truncate>{o.hint}</Text> : null}>
                          <Text ff="monospace" size="xs">
                            {o.value}
                          </Text>
                        </Menu.Item>
                      ))}
                    </Box>
                  ))}
                </ScrollArea.Autosize>
              </Menu.Dropdown>
            </Menu>
          )}
        </Box>
      )}
    >
      <CodeMirror
        value={props.value}
        onChange={props.onChange}
        extensions={extensions}
        placeholder={props.placeholder}
        editable={!props.readOnly}
        readOnly={props.readOnly}
        minHeight={props.minHeight ? `${props.minHeight}px` : undefined}
        basicSetup={{
          lineNumbers: mode === "javascript" || mode === "sql",
          foldGutter: false,
          highlightActiveLine: false,
          highlightActiveLineGutter: false,
          closeBrackets: false,
          autocompletion: false,
          bracketMatching: true,
          searchKeymap: false,
        }}
        onCreateEditor={(view) => {
          viewRef.current = view;
        }}
        onFocus={() => {
          focusedOnce.current = true;
        }}
      />
      {props.preview !== undefined && (
        <Text size="11px" c="dimmed" mt={2} ff="monospace" lineClamp={2} aria-label={`Last run value of ${label}`}>
          = {props.preview}
        </Text>
      )}
    </Input.Wrapper>
  );
}
