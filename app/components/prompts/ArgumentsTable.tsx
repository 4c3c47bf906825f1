"use client";
// A prompt's arguments: what people fill in when they pick the prompt. Each has a name (what placeholders write:
// {{ topic }}), a description, whether it is required, and suggested values the AI client offers as they type.
import { ActionIcon, Button, Checkbox, Group, Stack, Table, TagsInput, Text, TextInput } from "@mantine/core";
import type { PromptArgument } from "../../../runtime/model/prompt";

export function ArgumentsTable(props: { value: PromptArgument[]; onChange: (next: PromptArgument[]) => void; readOnly: boolean; errors: Map<string, string> }) {
  const { value, onChange, readOnly } = props;
  const update = (i: number, patch: Partial<PromptArgument>) => onChange(value.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const add = () => onChange([...value, { name: `argument${value.length + 1}`, description: "", required: false }]);
  return (
    <Stack gap="xs">
      {value.length === 0 ? (
        <Text size="sm" c="dimmed">
          No arguments: the prompt is the same every time. Add one to let people fill something in, then write it as {"{{ name }}"} in a message.
        </Text>
      ) : (
        <Table aria-label="Arguments" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Required</Table.Th>
              <Table.Th>Suggested values</Table.Th>
              <Table.Th aria-label="Remove" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {value.map((arg, i) => (
              <Table.Tr key={i}>
                <Table.Td w={180}>
                  <TextInput
                    aria-label={`Name of argument ${i + 1}`}
                    value={arg.name}
                    readOnly={readOnly}
                    ff="monospace"
                    onChange={(e) => update(i, { name: e.currentTarget.value })}
                    error={props.errors.get(`arguments[${i}].name`)}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput aria-label={`Description of argument ${i + 1}`} value={arg.description} readOnly={readOnly} onChange={(e) => update(i, { description: e.currentTarget.value })} />
                </Table.Td>
                <Table.Td w={90}>
                  <Checkbox aria-label={`Argument ${i + 1} is required`} checked={arg.required} disabled={readOnly} onChange={(e) => update(i, { required: e.currentTarget.checked })} />
                </Table.Td>
                <Table.Td w={260}>
                  <TagsInput
                    aria-label={`Suggested values of argument ${i + 1}`}
                    placeholder={readOnly ? undefined : "Type and press Enter"}
                    value={arg.values ?? []}
                    readOnly={readOnly}
                    onChange={(values) => update(i, { values: values.length ? values : undefined })}
                    error={props.errors.get(`arguments[${i}].values`)}
                  />
                </Table.Td>
                <Table.Td w={40}>
                  {!readOnly && (
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove argument ${arg.name || i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                      ×
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {!readOnly && (
        <Group>
          <Button size="xs" variant="light" onClick={add}>
            Add argument
          </Button>
        </Group>
      )}
    </Stack>
  );
}
