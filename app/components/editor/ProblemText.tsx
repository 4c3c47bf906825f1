"use client";
import { Code, Text } from "@mantine/core";

/**
 * A problem's message: its sentence, then (for an expression that does not parse) the expression with a caret under
 * the place, in monospace so the caret lines up. `short` keeps the sentence only, for the canvas cards.
 */
export function ProblemText({ message, short = false }: { message: string; short?: boolean }) {
  const [sentence, ...detail] = message.split("\n");
  return (
    <>
      <Text span inherit>
        {sentence}
      </Text>
      {!short && detail.length > 0 && (
        <Code block fz="11px" mt={4} style={{ whiteSpace: "pre" }}>
          {detail.join("\n")}
        </Code>
      )}
    </>
  );
}
