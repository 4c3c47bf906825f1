// curl's command-line options, read from the words of one command the way curl reads them: short options bundled
// (`-sSL`, `-XPOST`), long ones with their argument in the next word, `--` ending the options. What a request needs is
// collected; what only changes curl's own output is ignored; what the step cannot do is a sentence.

export interface DataPart {
  /** How curl treats the text: `data`/`binary` may name a file (`@file`), `urlencode` is encoded, `json` is --json. */
  kind: "data" | "binary" | "raw" | "urlencode" | "json";
  value: string;
}

export interface CurlArgs {
  method?: string;
  urls: string[];
  headers: Array<{ name: string; value: string }>;
  data: DataPart[];
  form: Array<{ name: string; value: string; literal: boolean }>;
  /** --url-query parts, encoded as curl does (`+` first: as written). */
  urlQuery: string[];
  get: boolean;
  head: boolean;
  user?: string;
  bearer?: string;
  cookies: string[];
  userAgent?: string;
  referer?: string;
  range?: string;
  maxTimeSeconds?: string;
  retries?: string;
  globoff: boolean;
  warnings: string[];
  /** Options curl has that this reader does not know, as written. */
  unknown: string[];
}

type Handler =
  | "request"
  | "url"
  | "header"
  | "data"
  | "data-binary"
  | "data-raw"
  | "data-urlencode"
  | "json"
  | "form"
  | "form-string"
  | "url-query"
  | "get"
  | "head"
  | "user"
  | "oauth2-bearer"
  | "user-agent"
  | "referer"
  | "cookie"
  | "range"
  | "max-time"
  | "retry"
  | "globoff"
  | "next"
  | "upload"
  | "ignore"
  | { warn: string };

interface Option {
  arg: boolean;
  handler: Handler;
}

const ignore = (arg: boolean): Option => ({ arg, handler: "ignore" });
const warn = (arg: boolean, message: string): Option => ({ arg, handler: { warn: message } });

const OTHER_AUTH = "The step sends the user and password as Basic authentication; curl's %s is not available.";

/** Options by long name. Arguments of the ignored ones must still be known, or the next word would be misread. */
const LONG: Record<string, Option> = {
  request: { arg: true, handler: "request" },
  url: { arg: true, handler: "url" },
  header: { arg: true, handler: "header" },
  data: { arg: true, handler: "data" },
  "data-ascii": { arg: true, handler: "data" },
  "data-binary": { arg: true, handler: "data-binary" },
  "data-raw": { arg: true, handler: "data-raw" },
  "data-urlencode": { arg: true, handler: "data-urlencode" },
  json: { arg: true, handler: "json" },
  form: { arg: true, handler: "form" },
  "form-string": { arg: true, handler: "form-string" },
  "url-query": { arg: true, handler: "url-query" },
  get: { arg: false, handler: "get" },
  head: { arg: false, handler: "head" },
  user: { arg: true, handler: "user" },
  "oauth2-bearer": { arg: true, handler: "oauth2-bearer" },
  "user-agent": { arg: true, handler: "user-agent" },
  referer: { arg: true, handler: "referer" },
  cookie: { arg: true, handler: "cookie" },
  range: { arg: true, handler: "range" },
  "max-time": { arg: true, handler: "max-time" },
  retry: { arg: true, handler: "retry" },
  globoff: { arg: false, handler: "globoff" },
  next: { arg: false, handler: "next" },
  "upload-file": { arg: true, handler: "upload" },
  insecure: warn(false, "The step always checks the server's certificate, so -k (--insecure) has no effect."),
  proxy: warn(true, "The step does not go through a proxy, so --proxy is ignored."),
  "proxy-user": warn(true, "The step does not go through a proxy, so --proxy-user is ignored."),
  preproxy: warn(true, "The step does not go through a proxy, so --preproxy is ignored."),
  socks5: warn(true, "The step does not go through a proxy, so --socks5 is ignored."),
  "socks5-hostname": warn(true, "The step does not go through a proxy, so --socks5-hostname is ignored."),
  "proxy-header": warn(true, "The step does not go through a proxy, so --proxy-header is ignored."),
  digest: warn(false, OTHER_AUTH.replace("%s", "--digest")),
  ntlm: warn(false, OTHER_AUTH.replace("%s", "--ntlm")),
  negotiate: warn(false, OTHER_AUTH.replace("%s", "--negotiate")),
  "aws-sigv4": warn(true, "AWS request signing (--aws-sigv4) is not available in the step: the request would be sent unsigned."),
  cert: warn(true, "Client certificates (--cert) are not available in the step, so it is ignored."),
  key: warn(true, "Client certificate keys (--key) are not available in the step, so it is ignored."),
  cacert: warn(true, "The step checks certificates against the usual public authorities; --cacert is ignored."),
  capath: warn(true, "The step checks certificates against the usual public authorities; --capath is ignored."),
  config: warn(true, "--config reads more options from a file, which Toolflow cannot see: whatever it adds is missing from the step."),
  netrc: warn(false, "--netrc reads the login from a file, which Toolflow cannot see: add it as a secret."),
  "netrc-file": warn(true, "--netrc-file reads the login from a file, which Toolflow cannot see: add it as a secret."),
  "unix-socket": warn(true, "The step cannot call through a Unix socket (--unix-socket); it calls the address as written."),
  "abstract-unix-socket": warn(true, "The step cannot call through a Unix socket; it calls the address as written."),
  resolve: warn(true, "The step looks host names up itself, so --resolve is ignored."),
  "connect-to": warn(true, "The step connects to the host in the address, so --connect-to is ignored."),
  "request-target": warn(true, "--request-target is not available in the step, so it is ignored."),
  variable: warn(true, "curl variables (--variable, --expand-…) are not available in the step; the text is used as written."),
  "time-cond": warn(true, "--time-cond is ignored; add an If-Modified-Since header if you need it."),
  // Only curl's own output, connection or protocol details: nothing the step's request depends on.
  ...Object.fromEntries(
    [
      "silent", "show-error", "verbose", "include", "show-headers", "location", "location-trusted", "compressed", "fail", "fail-with-body", "fail-early",
      "progress-bar", "no-progress-meter", "http1.0", "http1.1", "http2", "http2-prior-knowledge", "http3", "http3-only", "http0.9", "ipv4",
      "ipv6", "tlsv1", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3", "sslv2", "sslv3", "no-buffer", "no-keepalive", "no-sessionid", "no-alpn",
      "no-npn", "remote-name", "remote-name-all", "remote-header-name", "remote-time", "create-dirs", "raw", "tr-encoding", "path-as-is", "ssl",
      "ssl-reqd", "ssl-allow-beast", "ssl-no-revoke", "ssl-revoke-best-effort", "ssl-auto-client-cert", "tcp-nodelay", "tcp-fastopen",
      "styled-output", "disable", "crlf", "basic", "anyauth", "proxytunnel", "xattr", "suppress-connect-headers", "cert-status",
      "false-start", "parallel", "parallel-immediate", "list-only", "append", "use-ascii", "sasl-ir", "junk-session-cookies", "manual",
      "help", "version", "netrc-optional", "retry-connrefused", "retry-all-errors", "skip-existing", "doh-insecure", "doh-cert-status",
      "haproxy-protocol", "mptcp", "ca-native", "proxy-ca-native", "proxy-insecure", "proxy-basic", "proxy-digest", "proxy-ntlm",
      "proxy-anyauth", "proxy-negotiate", "proxy-http2", "proxy-ssl-allow-beast", "proxy-ssl-auto-client-cert", "proxy1.0",
      "keepalive", "sessionid", "buffer", "alpn", "npn", "progress-meter", "ignore-content-length", "no-clobber", "remove-on-error",
      "compressed-ssh", "trace-time", "trace-ids", "http09-allowed", "metalink", "post301", "post302", "post303", "clobber", "insecure-ssh",
    ].map((name) => [name, ignore(false)]),
  ),
  ...Object.fromEntries(
    [
      "output", "output-dir", "dump-header", "cookie-jar", "write-out", "connect-timeout", "max-redirs", "limit-rate", "speed-limit",
      "speed-time", "retry-delay", "retry-max-time", "keepalive-time", "expect100-timeout", "happy-eyeballs-timeout-ms", "interface",
      "local-port", "dns-servers", "dns-interface", "dns-ipv4-addr", "dns-ipv6-addr", "doh-url", "trace", "trace-ascii", "trace-config",
      "stderr", "libcurl", "alt-svc", "hsts", "etag-compare", "etag-save", "continue-at", "max-filesize", "parallel-max", "ciphers",
      "tls13-ciphers", "curves", "tls-max", "cert-type", "key-type", "pass", "pinnedpubkey", "crlfile", "engine", "random-file", "egd-file",
      "proto", "proto-default", "proto-redir", "noproxy", "proxy-cacert", "proxy-capath", "proxy-cert", "proxy-cert-type", "proxy-ciphers",
      "proxy-crlfile", "proxy-key", "proxy-key-type", "proxy-pass", "proxy-pinnedpubkey", "proxy-service-name", "proxy-tls13-ciphers",
      "proxy-tlsauthtype", "proxy-tlspassword", "proxy-tlsuser", "socks4", "socks4a", "socks5-gssapi-service", "service-name",
      "tlsauthtype", "tlspassword", "tlsuser", "delegation", "krb", "login-options", "sasl-authzid", "mail-auth", "mail-from", "mail-rcpt",
      "ftp-account", "ftp-alternative-to-user", "ftp-method", "ftp-port", "ftp-ssl-ccc-mode", "quote", "telnet-option", "tftp-blksize",
      "hostpubmd5", "hostpubsha256", "pubkey", "ip-tos", "vlan-priority", "rate", "create-file-mode", "haproxy-clientip", "ipfs-gateway",
      "ech", "unix-socket-path", "expand-url", "expand-data", "expand-header",
    ].map((name) => [name, ignore(true)]),
  ),
};

/** Short letters and the long option each stands for. */
const SHORT: Record<string, string> = {
  X: "request", H: "header", d: "data", F: "form", G: "get", I: "head", u: "user", A: "user-agent", e: "referer", b: "cookie",
  r: "range", m: "max-time", g: "globoff", T: "upload-file", k: "insecure", x: "proxy", U: "proxy-user", E: "cert", K: "config",
  n: "netrc", z: "time-cond", s: "silent", S: "show-error", v: "verbose", i: "include", L: "location", f: "fail", "#": "progress-bar",
  "0": "http1.0", "1": "tlsv1", "2": "sslv2", "3": "sslv3", "4": "ipv4", "6": "ipv6", N: "no-buffer", O: "remote-name",
  J: "remote-header-name", R: "remote-time", j: "junk-session-cookies", l: "list-only", a: "append", B: "use-ascii", M: "manual",
  p: "proxytunnel", q: "disable", Z: "parallel", h: "help", V: "version", ":": "next", o: "output", D: "dump-header", c: "cookie-jar",
  w: "write-out", C: "continue-at", Y: "speed-limit", y: "speed-time", P: "ftp-port", Q: "quote", t: "telnet-option",
};

export function emptyArgs(): CurlArgs {
  return { urls: [], headers: [], data: [], form: [], urlQuery: [], get: false, head: false, cookies: [], globoff: false, warnings: [], unknown: [] };
}

export type ReadArgs = { ok: true; args: CurlArgs } | { ok: false; error: string };

const NO_FILE = "Toolflow cannot read files on your computer";

/** Reads curl's options from the words after `curl`. */
export function readCurlArgs(words: readonly string[]): ReadArgs {
  const args = emptyArgs();
  let i = 0;
  let optionsEnded = false;
  const apply = (name: string, option: Option, value: string | undefined): string | null => {
    if (option.arg && value === undefined) return `The option ${name} needs a value after it.`;
    return handle(args, name, option.handler, value ?? "");
  };
  while (i < words.length) {
    const word = words[i]!;
    i++;
    if (optionsEnded || word === "-" || !word.startsWith("-") || word.length === 1) {
      args.urls.push(word);
      continue;
    }
    if (word === "--") {
      optionsEnded = true;
      continue;
    }
    if (word.startsWith("--")) {
      let name = word.slice(2);
      let inline: string | undefined;
      // curl itself wants the value in the next word; `--opt=value` is accepted here too, as other tools write it.
      const eq = name.indexOf("=");
      if (eq > 0 && LONG[name.slice(0, eq)]?.arg) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      let option = LONG[name];
      if (!option && name.startsWith("no-") && LONG[name.slice(3)] && !LONG[name.slice(3)]!.arg) option = ignore(false);
      if (!option) {
        args.unknown.push(word);
        continue;
      }
      if (option.handler === "next") {
        args.warnings.push("The command makes more than one request (--next): only the first one becomes the step.");
        break;
      }
      const value = option.arg ? (inline ?? words[i++]) : undefined;
      const error = apply(`--${name}`, option, value);
      if (error) return { ok: false, error };
      continue;
    }
    // Short options, bundled: flags until one that takes a value, which is the rest of the word or the next word.
    for (let j = 1; j < word.length; j++) {
      const letter = word[j]!;
      const long = SHORT[letter];
      const option = long ? LONG[long] : undefined;
      if (!long || !option) {
        args.unknown.push(`-${letter}`);
        continue;
      }
      if (option.handler === "next") {
        args.warnings.push("The command makes more than one request (-:): only the first one becomes the step.");
        return { ok: true, args };
      }
      if (option.arg) {
        const rest = word.slice(j + 1);
        const value = rest !== "" ? rest : words[i++];
        const error = apply(`-${letter}`, option, value);
        if (error) return { ok: false, error };
        break;
      }
      const error = apply(`-${letter}`, option, undefined);
      if (error) return { ok: false, error };
    }
  }
  return { ok: true, args };
}

/** Applies one option; a sentence when it cannot be turned into the step. */
function handle(args: CurlArgs, name: string, handler: Handler, value: string): string | null {
  if (typeof handler === "object") {
    if (!args.warnings.includes(handler.warn)) args.warnings.push(handler.warn);
    return null;
  }
  switch (handler) {
    case "request":
      args.method = value;
      return null;
    case "url":
      args.urls.push(value);
      return null;
    case "header":
      return addHeader(args, value);
    case "data":
    case "data-binary":
      if (value.startsWith("@")) {
        return `The command reads its data from a file (${name} ${value}); ${NO_FILE}. Paste the file's contents in place of ${value}.`;
      }
      args.data.push({ kind: handler === "data" ? "data" : "binary", value });
      return null;
    case "data-raw":
      args.data.push({ kind: "raw", value });
      return null;
    case "data-urlencode": {
      const at = /[=@]/.exec(value);
      if (at?.[0] === "@") {
        return `The command reads a value from a file (--data-urlencode ${value}); ${NO_FILE}. Write the value itself instead, as name=value.`;
      }
      args.data.push({ kind: "urlencode", value });
      return null;
    }
    case "json":
      if (value.startsWith("@")) return `The command reads its JSON from a file (--json ${value}); ${NO_FILE}. Paste the JSON in place of ${value}.`;
      args.data.push({ kind: "json", value });
      return null;
    case "form":
    case "form-string": {
      const eq = value.indexOf("=");
      if (eq <= 0) return `The form field "${value}" has no name=value; write it as ${name} name=value.`;
      const field = value.slice(0, eq);
      let content = value.slice(eq + 1);
      if (handler === "form" && (content.startsWith("@") || content.startsWith("<"))) {
        return `Sending files (${name} ${field}=${content}) is not supported yet: the step sends text fields only, and ${NO_FILE}.`;
      }
      // `;type=…` and the like describe the part in multipart, which the step does not send.
      if (handler === "form") content = content.replace(/;\s*(type|filename|headers|encoder)=[^;]*/g, "");
      args.form.push({ name: field, value: content, literal: handler === "form-string" });
      return null;
    }
    case "url-query":
      if (/^\+?[^=]*@/.test(value) && !value.includes("=")) return `The command reads a value from a file (--url-query ${value}); ${NO_FILE}.`;
      args.urlQuery.push(value);
      return null;
    case "get":
      args.get = true;
      return null;
    case "head":
      args.head = true;
      return null;
    case "user":
      args.user = value;
      return null;
    case "oauth2-bearer":
      args.bearer = value;
      return null;
    case "user-agent":
      args.userAgent = value;
      return null;
    case "referer":
      // `;auto` only asks curl to update it on redirects.
      args.referer = value.replace(/;auto$/, "");
      return null;
    case "cookie":
      if (value.includes("=")) args.cookies.push(value);
      else if (value) args.warnings.push(`-b ${value} reads cookies from a file, which Toolflow cannot see, so it is ignored.`);
      return null;
    case "range":
      args.range = value;
      return null;
    case "max-time":
      args.maxTimeSeconds = value;
      return null;
    case "retry":
      args.retries = value;
      return null;
    case "globoff":
      args.globoff = true;
      return null;
    case "upload":
      return `The command uploads a file (${name} ${value}); ${NO_FILE}. Send the contents as data (-d) instead.`;
    case "next":
    case "ignore":
      return null;
  }
}

function addHeader(args: CurlArgs, raw: string): string | null {
  if (raw.startsWith("@")) return `The command reads headers from a file (-H ${raw}); Toolflow cannot read files on your computer. Write each header with -H "Name: value".`;
  const colon = raw.indexOf(":");
  if (colon > 0) {
    const name = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    // `Name:` with nothing after it only removes a header curl would add itself.
    if (value !== "") args.headers.push({ name, value });
    return null;
  }
  // `Name;` is curl's way to send a header with an empty value.
  if (/^[^\s;]+;$/.test(raw.trim())) {
    args.headers.push({ name: raw.trim().slice(0, -1), value: "" });
    return null;
  }
  if (raw.trim()) args.warnings.push(`The header "${raw.trim()}" has no colon (Name: value), so it is left out.`);
  return null;
}
