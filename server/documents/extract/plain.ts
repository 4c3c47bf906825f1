// Plain text: paragraphs (separated by blank lines) with the lines they span. A paragraph longer than a passage is
// given out in line-sized steps, so every passage's line range is exact.
import { PASSAGE_TARGET_CHARS, type Block } from "../passages";
import { cleanLines } from "../text";

export function* plainTextBlocks(text: string): Generator<Block> {
  const lines = cleanLines(text);
  let start = 0;
  let kept: string[] = [];
  let size = 0;
  const flush = function* (end: number): Generator<Block> {
    if (kept.length) yield { text: kept.join("\n"), lineStart: start + 1, lineEnd: end };
    kept = [];
    size = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) {
      yield* flush(i);
      continue;
    }
    if (!kept.length) start = i;
    else if (size + line.length > PASSAGE_TARGET_CHARS) {
      yield* flush(i);
      start = i;
    }
    kept.push(line);
    size += line.length + 1;
  }
  yield* flush(lines.length);
}
