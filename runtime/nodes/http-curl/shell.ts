// Splits pasted text into the words a shell would hand to curl, without running anything: POSIX sh quoting (what docs
// and "Copy as cURL (bash)" produce) and Windows cmd + MS C runtime quoting ("Copy as cURL (cmd)", `^` continuations).
// Substitutions (`$VAR`, `$(…)`, backticks, `%VAR%`) are kept as written and listed, so the caller can say so.

export interface ShellWord {
  text: string;
  /** Substitutions a shell would have made in this word, as written ($TOKEN, $(cat key), `date`, %KEY%). */
  expansions: string[];
}

export interface ShellCommand {
  words: ShellWord[];
  /** What followed the command on its line after an operator (`| jq .`, `> out.json`, `&& echo`), ignored. */
  ignoredTail: string | null;
}

export type Tokenised = { ok: true; dialect: "posix" | "cmd"; commands: ShellCommand[] } | { ok: false; error: string };

/** Windows cmd copies: a `^` ending a line, or `^"` (Chrome's "Copy as cURL (cmd)" wraps every argument in it). */
export function looksLikeCmd(text: string): boolean {
  return /\^\r?\n/.test(text) || /\^"/.test(text);
}

export function tokenise(text: string): Tokenised {
  return looksLikeCmd(text) ? tokeniseCmd(text) : tokenisePosix(text);
}

const isBlank = (c: string | undefined) => c === " " || c === "\t" || c === "\r";

/**
 * After an unescaped line break: whether the next line still belongs to this command. A shell would end it, but docs
 * often drop the trailing backslash before `-H …` lines; a line starting with an option or a quote is taken as more.
 */
function continuesOnNextLine(text: string, at: number): boolean {
  const rest = /^[ \t\r]*(\S+)/.exec(text.slice(at, at + 200))?.[1];
  return !!rest && (rest[0] === "-" || rest[0] === "'" || rest[0] === '"' || /^https?:/i.test(rest));
}

class WordBuilder {
  text: string | null = null;
  expansions: string[] = [];
  add(s: string) {
    this.text = (this.text ?? "") + s;
  }
  /** An empty quoted string ('' or "") is a word of its own, unlike blanks. */
  touch() {
    this.text ??= "";
  }
  take(): ShellWord | null {
    if (this.text === null) return null;
    const word = { text: this.text, expansions: this.expansions };
    this.text = null;
    this.expansions = [];
    return word;
  }
}

const unclosed = (what: string) => ({ ok: false as const, error: `The command has an opening ${what} that is never closed. Copy the whole command again, or close the quote.` });

function tokenisePosix(input: string): Tokenised {
  const text = stripPrompt(input);
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  const word = new WordBuilder();
  const endWord = () => {
    const w = word.take();
    if (w) words.push(w);
  };
  const endCommand = (tail: string | null) => {
    endWord();
    if (words.length) commands.push({ words, ignoredTail: tail });
    words = [];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isBlank(c)) {
      endWord();
      i++;
    } else if (c === "\n") {
      endWord();
      i++;
      if (words.length && !continuesOnNextLine(text, i)) endCommand(null);
    } else if (c === "\\") {
      if (text[i + 1] === "\n") i += 2;
      else if (text[i + 1] === "\r" && text[i + 2] === "\n") i += 3;
      else {
        word.add(text[i + 1] ?? "");
        i += 2;
      }
    } else if (c === "`" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      // PowerShell's line continuation (copies for `curl.exe`); a real command substitution never starts so.
      i += text[i + 1] === "\n" ? 2 : 3;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return unclosed("single quote (')");
      word.touch();
      word.add(text.slice(i + 1, close));
      i = close + 1;
    } else if (c === '"') {
      const read = readDoubleQuoted(text, i + 1, word);
      if (read < 0) return unclosed('double quote (")');
      i = read;
    } else if (c === "$" && text[i + 1] === "'") {
      const read = readAnsiC(text, i + 2);
      if (!read) return unclosed("$' quote");
      word.touch();
      word.add(read.value);
      i = read.end;
    } else if (c === "$" && text[i + 1] === '"') {
      const read = readDoubleQuoted(text, i + 2, word);
      if (read < 0) return unclosed('$" quote');
      i = read;
    } else if (c === "$" || c === "`") {
      const end = substitutionEnd(text, i);
      if (end < 0) return unclosed(c === "`" ? "backtick (`)" : "$( substitution");
      const written = text.slice(i, end);
      if (written !== "$") word.expansions.push(written);
      word.add(written);
      i = end;
    } else if (c === "#" && word.text === null) {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? text.length : eol;
    } else if (c === "&" && word.text !== null && text[i + 1] !== undefined && !isBlank(text[i + 1]) && text[i + 1] !== "&" && text[i + 1] !== "\n") {
      // An unquoted URL (`?a=1&b=2`): a shell would run curl in the background at the `&`; the person meant the URL.
      word.add(c);
      i++;
    } else if (c === "|" || c === ";" || c === "&" || c === ">" || c === "<") {
      // `2>` / `2>&1`: the digits were a file descriptor, not a word.
      if ((c === ">" || c === "<") && word.text !== null && /^\d+$/.test(word.text)) word.take();
      const eol = text.indexOf("\n", i);
      const tail = text.slice(i, eol < 0 ? text.length : eol).trim();
      if (c === ">" || c === "<") {
        // A redirection (`> out.json`, `2>/dev/null`) only moves curl's output: skip it and its target, go on.
        i = skipRedirect(text, i);
        endWord();
        continue;
      }
      endCommand(tail);
      // The rest of this line is another command (or curl's output piped on); later lines may hold more commands.
      i = eol < 0 ? text.length : eol + 1;
    } else {
      word.add(c);
      i++;
    }
  }
  endCommand(null);
  return { ok: true, dialect: "posix", commands };
}

/** Removes a terminal prompt copied along (`$ curl …`, `% curl …`). */
function stripPrompt(text: string): string {
  return text.replace(/^\s*[$%]\s+(?=\S)/, "");
}

/** Reads after an opening `"`; returns the index after the closing one, or -1 when there is none. */
function readDoubleQuoted(text: string, start: number, word: WordBuilder): number {
  word.touch();
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return i + 1;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "\n") i += 2;
      else if (next === "\r" && text[i + 2] === "\n") i += 3;
      else if (next === "$" || next === "`" || next === '"' || next === "\\") {
        word.add(next);
        i += 2;
      } else {
        word.add("\\");
        i++;
      }
    } else if (c === "$" || c === "`") {
      const end = substitutionEnd(text, i);
      if (end < 0) return -1;
      const written = text.slice(i, end);
      if (written !== "$") word.expansions.push(written);
      word.add(written);
      i = end;
    } else {
      word.add(c);
      i++;
    }
  }
  return -1;
}

/**
 * Where a substitution starting at `at` (`$NAME`, `${…}`, `$(…)`, `$((…))`, `` `…` ``, `$1`, `$?`) ends; `at + 1` for
 * a lone `$`; -1 when its closing bracket or backtick is missing.
 */
function substitutionEnd(text: string, at: number): number {
  if (text[at] === "`") {
    for (let i = at + 1; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === "`") return i + 1;
    }
    return -1;
  }
  const next = text[at + 1];
  if (next === "{") {
    const close = text.indexOf("}", at + 2);
    return close < 0 ? -1 : close + 1;
  }
  if (next === "(") {
    // Depth counting with quotes skipped: enough to find the end; what is inside is never run.
    let depth = 0;
    for (let i = at + 1; i < text.length; i++) {
      const c = text[i];
      if (c === "\\") i++;
      else if (c === "'") {
        const close = text.indexOf("'", i + 1);
        if (close < 0) return -1;
        i = close;
      } else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return i + 1;
    }
    return -1;
  }
  const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9?#@*!$-]/.exec(text.slice(at + 1, at + 130));
  return name ? at + 1 + name[0].length : at + 1;
}

/** Skips `>`, `>>`, `>&2`, `<` and the word after it. */
function skipRedirect(text: string, at: number): number {
  let i = at + 1;
  while (text[i] === ">" || text[i] === "&" || text[i] === "|") i++;
  while (isBlank(text[i])) i++;
  if (/\d/.test(text[i] ?? "") && text[at + 1] === "&") return i + 1;
  while (i < text.length && !isBlank(text[i]) && text[i] !== "\n") {
    if (text[i] === "'" || text[i] === '"') {
      const close = text.indexOf(text[i]!, i + 1);
      i = close < 0 ? text.length : close + 1;
    } else i++;
  }
  return i;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };

/** Bash's `$'…'` quoting (ANSI-C escapes), read after the opening `$'`. */
function readAnsiC(text: string, start: number): { value: string; end: number } | null {
  let value = "";
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? "";
    if (e in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
      value += String.fromCharCode(parseInt(digits, 8) & 0xff);
      i += 1 + digits.length;
    } else if (e === "x" || e === "u" || e === "U") {
      const max = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = new RegExp(`^[0-9A-Fa-f]{1,${max}}`).exec(text.slice(i + 2))?.[0];
      if (!digits) {
        value += `\\${e}`;
        i += 2;
        continue;
      }
      const code = parseInt(digits, 16);
      value += code <= 0x10ffff ? String.fromCodePoint(code) : "";
      i += 2 + digits.length;
    } else if (e === "c" && text[i + 2]) {
      value += String.fromCharCode(text[i + 2]!.toUpperCase().charCodeAt(0) ^ 0x40);
      i += 3;
    } else {
      value += `\\${e}`;
      i += 2;
    }
  }
  return null;
}

/**
 * cmd.exe first (`^` escapes and continuations, operators outside its quotes), then the MS C runtime's splitting of
 * the command line into arguments (`"` quoting, `\"`, `""`), as curl.exe receives them.
 */
function tokeniseCmd(input: string): Tokenised {
  const text = input.replace(/^\s*(?:[A-Za-z]:[^>\n]*>|>)\s*(?=\S)/, "");
  const commands: ShellCommand[] = [];
  let line = "";
  let quoted = false;
  let i = 0;
  const endCommand = (tail: string | null) => {
    const words = splitCrtArguments(line).map((w) => ({ text: w, expansions: cmdVariables(w) }));
    if (words.length) commands.push({ words, ignoredTail: tail });
    line = "";
    quoted = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "^" && !quoted) {
      if (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n")) {
        // A continuation: the line break goes, and the first character of the next line is taken as it is.
        i += text[i + 1] === "\n" ? 2 : 3;
        if (i < text.length) line += text[i++];
      } else {
        line += text[i + 1] ?? "";
        i += 2;
      }
    } else if (c === '"') {
      quoted = !quoted;
      line += c;
      i++;
    } else if (c === "\n") {
      i++;
      if (!continuesOnNextLine(text, i)) endCommand(null);
      else line += " ";
    } else if (c === "&" && line && !isBlank(line.at(-1)) && text[i + 1] && !isBlank(text[i + 1]) && text[i + 1] !== "&" && text[i + 1] !== "\n") {
      line += c; // inside an unquoted URL, as in the POSIX reading
      i++;
    } else if (!quoted && (c === "|" || c === "&" || c === ">" || c === "<")) {
      const eol = text.indexOf("\n", i);
      if (c === ">" || c === "<") {
        i = skipRedirect(text, i);
        continue;
      }
      endCommand(text.slice(i, eol < 0 ? text.length : eol).trim());
      i = eol < 0 ? text.length : eol + 1;
    } else {
      line += c === "\r" ? "" : c;
      i++;
    }
  }
  endCommand(null);
  return { ok: true, dialect: "cmd", commands };
}

/** `%NAME%` variables cmd would expand; `%E2%` and the like are percent-encoding, not variables. */
function cmdVariables(word: string): string[] {
  return [...word.matchAll(/%([A-Za-z_][A-Za-z0-9_]*)%/g)].filter((m) => !/^[0-9A-F]{1,2}$/i.test(m[1]!)).map((m) => m[0]);
}

/** The MS C runtime's rules (as in CommandLineToArgvW, 2008 and later) for turning a command line into arguments. */
export function splitCrtArguments(line: string): string[] {
  const args: string[] = [];
  let current: string | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; ) {
    const c = line[i]!;
    if (!quoted && (c === " " || c === "\t" || c === "\n")) {
      if (current !== null) args.push(current);
      current = null;
      i++;
    } else if (c === "\\") {
      let n = 0;
      while (line[i + n] === "\\") n++;
      if (line[i + n] === '"') {
        current = (current ?? "") + "\\".repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          current += '"';
          i += n + 1;
        } else i += n;
      } else {
        current = (current ?? "") + "\\".repeat(n);
        i += n;
      }
    } else if (c === '"') {
      current ??= "";
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i += 2;
      } else {
        quoted = !quoted;
        i++;
      }
    } else {
      current = (current ?? "") + c;
      i++;
    }
  }
  if (current !== null) args.push(current);
  return args;
}
