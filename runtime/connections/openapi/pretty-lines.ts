// The parser reports schema errors with a code frame of the description as `JSON.stringify(doc, null, 2)` prints it
// ("> 25 |   {"), not with a path. This finds which value starts on a given line of that printing, so the message
// can name the place instead. Iterative and stops at the line, so it costs no more than the printing did.

export function pathAtPrettyLine(root: unknown, target: number): Array<string | number> | null {
  if (target < 1) return null;
  // null marks a closing bracket, which takes a line of its own.
  const stack: Array<{ value: unknown; path: Array<string | number> } | null> = [{ value: root, path: [] }];
  let line = 0;
  while (stack.length > 0) {
    const task = stack.pop()!;
    line++;
    if (line > target) return null;
    if (task === null) continue;
    if (line === target) return task.path;
    const value = task.value;
    if (value === null || typeof value !== "object") continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined && typeof item !== "function" && typeof item !== "symbol");
    if (entries.length === 0) continue; // `{}` and `[]` stay on their line
    stack.push(null);
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], path: [...task.path, entries[i]![0]] });
  }
  return null;
}
