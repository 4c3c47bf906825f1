// Pasting a cURL command to make an `http` step (SPEC §13): commands as API docs and browsers write them, read as a
// shell and curl would read them, into params the http node itself accepts, with credentials set apart as secrets.
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../../runtime/model";
import { httpNode } from "../../runtime/nodes/http";
import { httpParamsFor, MAX_CURL_CHARS, needsReadableSecret, parseCurl, previewRequest, type CurlImport } from "../../runtime/nodes/http-curl";
import { splitCrtArguments, tokenise } from "../../runtime/nodes/http-curl/shell";

/** Parses a command that must succeed, and checks its params with the http node's own schema. */
function imported(command: string, existingSecrets?: string[]): CurlImport {
  const result = parseCurl(command, { existingSecrets });
  if (!result.ok) throw new Error(`expected a step, got: ${result.error}`);
  const checked = httpNode.params.safeParse(result.params);
  expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
  // The value of a credential saved as a secret is nowhere in the step.
  const stored = JSON.stringify(result.params);
  for (const c of result.credentials) if (c.value.length > 3) expect(stored).not.toContain(c.value);
  return result;
}

function refused(command: string): string {
  const result = parseCurl(command);
  if (result.ok) throw new Error(`expected a refusal, got a step: ${JSON.stringify(result.params)}`);
  return result.error;
}

describe("real-world commands from API docs", () => {
  it("Stripe: -u sk_test_…: (key as the user, no password) and -d fields → a form POST with Basic auth from a secret", () => {
    const r = imported(`curl https://api.stripe.com/v1/customers \\
  -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: \\
  -d description="My First Test Customer" \\
  -d email="jenny.rosen@example.com" \\
  -d "metadata[order_id]"=6735`);
    expect(r.params).toMatchObject({
      method: "POST",
      url: "https://api.stripe.com/v1/customers",
      bodyType: "form",
      body: { description: "My First Test Customer", email: "jenny.rosen@example.com", "metadata[order_id]": "6735" },
      auth: { secret: "STRIPE_API_KEY", scheme: "basic" },
    });
    expect(r.credentials).toEqual([
      { id: "c1", where: "the login (-u user:password)", suggestedSecretName: "STRIPE_API_KEY", value: "sk_test_4eC39HqLyjWDarjtT1zdp7dc:", placeholder: false, use: { kind: "auth", scheme: "basic" } },
    ]);
    expect(r.host).toBe("api.stripe.com");
    expect(r.warnings).toEqual([]);
  });

  it("GitHub: Authorization: Bearer … with -L and Accept/version headers → a GET whose token is a secret", () => {
    const r = imported(`curl -L \\
  -H "Accept: application/vnd.github+json" \\
  -H "Authorization: Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a" \\
  -H "X-GitHub-Api-Version: 2022-11-28" \\
  https://api.github.com/repos/octocat/hello-world/issues?state=open&per_page=5`);
    expect(r.params).toMatchObject({
      method: "GET",
      url: "https://api.github.com/repos/octocat/hello-world/issues",
      query: { state: "open", per_page: "5" },
      headers: { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" },
      auth: { secret: "GITHUB_TOKEN", scheme: "bearer" },
    });
    expect(r.params.headers).not.toHaveProperty("Authorization");
    expect(r.credentials[0]).toMatchObject({ where: "the Authorization header (Bearer token)", value: "ghp_16C7e42F292c6912E7710c838347Ae178B4a", placeholder: false });
  });

  it("HubSpot: --request/--url/--header/--data long forms with a JSON body", () => {
    const r = imported(`curl --request POST \\
  --url https://api.hubapi.com/crm/v3/objects/contacts \\
  --header 'authorization: Bearer pat-na1-11111111-2222-3333-4444-555555555555' \\
  --header 'content-type: application/json' \\
  --data '{
  "properties": {
    "email": "example@hubspot.com",
    "firstname": "Jane",
    "lastname": "Doe"
  }
}'`);
    expect(r.params).toMatchObject({
      method: "POST",
      url: "https://api.hubapi.com/crm/v3/objects/contacts",
      headers: { "content-type": "application/json" },
      bodyType: "json",
      body: { properties: { email: "example@hubspot.com", firstname: "Jane", lastname: "Doe" } },
      auth: { secret: "HUBAPI_TOKEN", scheme: "bearer" },
    });
  });

  it("Zendesk: -u email/token:api_token is a Basic login named after the service, not the tenant subdomain", () => {
    const r = imported(`curl https://acme.zendesk.com/api/v2/tickets.json \\
  -d '{"ticket": {"subject": "My printer is on fire!", "comment": { "body": "The smoke is very colorful." }}}' \\
  -H "Content-Type: application/json" -v -u jdoe@example.com/token:6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv -X POST`);
    expect(r.params).toMatchObject({
      method: "POST",
      bodyType: "json",
      body: { ticket: { subject: "My printer is on fire!", comment: { body: "The smoke is very colorful." } } },
      auth: { secret: "ZENDESK_LOGIN", scheme: "basic" },
    });
    expect(r.credentials[0]!.value).toBe("jdoe@example.com/token:6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv");
  });

  it("Zendesk as documented, with {subdomain} and {email_address}/token:{api_token}: stand-ins asked for, placeholders named", () => {
    const r = imported(`curl https://{subdomain}.zendesk.com/api/v2/users/me.json \\
  -u {email_address}/token:{api_token}`);
    expect(r.credentials[0]).toMatchObject({ placeholder: true, use: { kind: "auth", scheme: "basic" } });
    expect(r.warnings).toContain("The address has placeholders ({subdomain}); replace them with real values, or with input fields such as {{ input.subdomain }}.");
  });

  it("Jira: --user email:<api_token> and a multi-line --data JSON; the <api_token> stand-in is flagged", () => {
    const r = imported(`curl --request POST \\
  --url 'https://your-domain.atlassian.net/rest/api/3/issue' \\
  --user 'email@example.com:<api_token>' \\
  --header 'Accept: application/json' \\
  --header 'Content-Type: application/json' \\
  --data '{
    "fields": {
      "project": { "key": "SCRUM" },
      "summary": "Login button does not work",
      "issuetype": { "name": "Bug" }
    }
  }'`);
    expect(r.params).toMatchObject({
      method: "POST",
      url: "https://your-domain.atlassian.net/rest/api/3/issue",
      body: { fields: { project: { key: "SCRUM" }, summary: "Login button does not work", issuetype: { name: "Bug" } } },
      auth: { secret: "ATLASSIAN_LOGIN", scheme: "basic" },
    });
    expect(r.credentials[0]).toMatchObject({ value: "email@example.com:<api_token>", placeholder: true });
  });

  it("Twilio: --data-urlencode fields and -u $SID:$TOKEN; the shell variables are stand-ins and the URL one is named", () => {
    const r = imported(`curl -X POST "https://api.twilio.com/2010-04-01/Accounts/$TWILIO_ACCOUNT_SID/Messages.json" \\
--data-urlencode "Body=Hi there & welcome" \\
--data-urlencode "From=+15557122661" \\
--data-urlencode "To=+15558675310" \\
-u $TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN`);
    expect(r.params).toMatchObject({ method: "POST", bodyType: "form", body: { Body: "Hi there & welcome", From: "+15557122661", To: "+15558675310" }, auth: { scheme: "basic" } });
    expect(r.credentials[0]).toMatchObject({ value: "$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN", placeholder: true, suggestedSecretName: "TWILIO_LOGIN" });
    // In the address it must be replaced too; the token, only in the credential, is asked for there instead.
    expect(r.warnings).toContain("The command uses $TWILIO_ACCOUNT_SID, which a shell would fill in; Toolflow does not know its value, so it is kept as written. Replace it with the value.");
    const url = parseCurl(`curl "https://api.example.org/v1/$ACCOUNT/items"`);
    expect(url.ok && url.warnings).toContain("The command uses $ACCOUNT, which a shell would fill in; Toolflow does not know its value, so it is kept as written. Replace it with the value.");
  });

  it("OpenAI: --json-free classic with Authorization: Bearer $OPENAI_API_KEY → the key is asked for", () => {
    const r = imported(`curl https://api.openai.com/v1/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer $OPENAI_API_KEY" \\
  -d '{
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Say \\"hi\\""}]
  }'`);
    expect(r.params.body).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: 'Say "hi"' }] });
    expect(r.credentials[0]).toMatchObject({ suggestedSecretName: "OPENAI_TOKEN", value: "$OPENAI_API_KEY", placeholder: true });
  });

  it("quoted JSON with escaped quotes in double quotes, as Windows-friendly docs write it", () => {
    const r = imported(`curl -X POST https://api.example.org/notes -H "Content-Type: application/json" -d "{\\"title\\": \\"He said \\\\\\"hi\\\\\\"\\", \\"n\\": 2}"`);
    expect(r.params.body).toEqual({ title: 'He said "hi"', n: 2 });
  });

  it("Anthropic-style custom key header (x-api-key) becomes the request's auth as a header", () => {
    const r = imported(`curl https://api.anthropic.com/v1/messages \\
     --header "x-api-key: sk-ant-api03-AAAABBBBCCCCDDDD" \\
     --header "anthropic-version: 2023-06-01" \\
     --header "content-type: application/json" \\
     --data '{"model": "claude-x", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello"}]}'`);
    expect(r.params.auth).toEqual({ secret: "ANTHROPIC_API_KEY", scheme: "header", name: "x-api-key" });
    expect(r.params.headers).toEqual({ "anthropic-version": "2023-06-01", "content-type": "application/json" });
  });

  it("Supabase: apikey header beside Authorization: the second one is a readable secret in the header, by name", () => {
    const r = imported(`curl 'https://xyzcompany.supabase.co/rest/v1/todos?select=*' \\
-H "apikey: eyJhbGciOiJIUzI1NiJ9.anon" \\
-H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.user"`);
    expect(r.params.auth).toEqual({ secret: "SUPABASE_TOKEN", scheme: "bearer" });
    expect(r.params.headers).toEqual({ apikey: "{{ secrets.SUPABASE_APIKEY }}" });
    expect(r.params.query).toEqual({ select: "*" });
    expect(r.credentials.map(needsReadableSecret)).toEqual([false, true]);
  });

  it("Azure OpenAI api-key, x-auth-token, GitLab PRIVATE-TOKEN, Cloudflare X-Auth-Key are credentials; Idempotency-Key is not", () => {
    for (const header of ["api-key", "x-auth-token", "PRIVATE-TOKEN", "X-Auth-Key", "Ocp-Apim-Subscription-Key", "X-RapidAPI-Key", "apikey"]) {
      const r = imported(`curl -H "${header}: abcdef0123456789" https://api.example.net/x`);
      expect(r.params.auth, header).toMatchObject({ scheme: "header", name: header });
    }
    const stripe = imported(`curl -X POST https://api.stripe.com/v1/refunds -H "Idempotency-Key: KG5LxwFBepaKHyUD" -u sk_test_abc: -d charge=ch_1`);
    expect(stripe.params.headers).toEqual({ "Idempotency-Key": "KG5LxwFBepaKHyUD" });
    expect(stripe.credentials).toHaveLength(1);
  });

  it("?api_key= and access_token= in the address are credentials sent as query auth; ?key=short is not", () => {
    const nasa = imported(`curl "https://api.nasa.gov/planetary/apod?date=2024-01-01&api_key=DEMO1234567890abcdef"`);
    expect(nasa.params).toMatchObject({ url: "https://api.nasa.gov/planetary/apod", query: { date: "2024-01-01" }, auth: { secret: "NASA_API_KEY", scheme: "query", name: "api_key" } });
    const fb = imported(`curl -G https://graph.facebook.com/v19.0/me -d fields=id,name -d access_token=EAAB1234567890`);
    expect(fb.params).toMatchObject({ query: { fields: "id,name" }, auth: { scheme: "query", name: "access_token" } });
    const plain = imported(`curl "https://api.example.net/sort?key=name"`);
    expect(plain.credentials).toEqual([]);
    expect(plain.params.query).toEqual({ key: "name" });
  });

  it("Slack: a token field in a form body is a readable secret in the body; Bearer wins as the auth", () => {
    const r = imported(`curl -X POST https://slack.com/api/chat.postMessage -d token=xoxb-1234-5678-abcdef -d channel=C123 -d text=hello`);
    expect(r.params).toMatchObject({ body: { channel: "C123", text: "hello", token: "{{ secrets.SLACK_TOKEN }}" }, bodyType: "form" });
    expect(r.params.auth).toBeUndefined();
    expect(r.credentials[0]).toMatchObject({ where: "the token field of the body", use: { kind: "body", field: "token" } });
    expect(needsReadableSecret(r.credentials[0]!)).toBe(true);
  });

  it("a browser's Copy as cURL (bash): cookies, $'…' quoting, --compressed, and headers the network sets left out", () => {
    const r = imported(`curl 'https://app.example.net/api/graphql' \\
  -H 'accept: */*' \\
  -H 'accept-language: en-GB,en;q=0.9' \\
  -H 'content-type: application/json' \\
  -b 'session=9f8e7d6c5b4a; theme=dark' \\
  -H 'content-length: 42' \\
  -H 'origin: https://app.example.net' \\
  --data-raw $'{"query":"{ me { name } }","note":"it\\'s"}' \\
  --compressed`);
    expect(r.params).toMatchObject({
      method: "POST",
      headers: { accept: "*/*", "accept-language": "en-GB,en;q=0.9", "content-type": "application/json", origin: "https://app.example.net" },
      body: { query: "{ me { name } }", note: "it's" },
      auth: { secret: "EXAMPLE_COOKIE", scheme: "header", name: "Cookie" },
    });
    expect(r.credentials[0]).toMatchObject({ where: "the Cookie header (a signed-in session)", value: "session=9f8e7d6c5b4a; theme=dark" });
  });
});

describe("shell reading", () => {
  it("Windows cmd (Chrome's Copy as cURL (cmd)): ^ continuations and ^\\^\" escapes", () => {
    const r = imported(`curl ^"https://api.example.net/v1/items?x=1^&y=2^" ^
  -H ^"accept: application/json^" ^
  -H ^"content-type: application/json^" ^
  --data-raw ^"^{^\\^"name^\\^":^\\^"Ada ^& co^\\^",^\\^"tags^\\^":^[^\\^"a^\\^"^]^}^" ^
  --compressed`);
    expect(r.params).toMatchObject({ method: "POST", url: "https://api.example.net/v1/items", query: { x: "1", y: "2" }, body: { name: "Ada & co", tags: ["a"] } });
  });

  it("Windows cmd as docs write it: ^ at line ends, \\\" inside double quotes", () => {
    const r = imported(`curl -X POST "https://api.example.net/v1/users" ^
  -H "Authorization: Bearer abc123def456" ^
  -H "Content-Type: application/json" ^
  -d "{\\"name\\": \\"Ada\\", \\"admin\\": false}"`);
    expect(r.params).toMatchObject({ body: { name: "Ada", admin: false }, auth: { scheme: "bearer" } });
    expect(r.credentials[0]!.value).toBe("abc123def456");
  });

  it("the C runtime's argument splitting: backslashes before quotes and doubled quotes", () => {
    expect(splitCrtArguments(String.raw`a "b c" d\"e "f\\" g\\h ""`)).toEqual(["a", "b c", 'd"e', "f\\", "g\\\\h", ""]);
    expect(splitCrtArguments(`"say ""hi"""`)).toEqual(['say "hi"']);
  });

  it("a terminal prompt ($ ), curl.exe, a full path, and an env assignment before curl are all fine", () => {
    expect(imported("$ curl https://api.example.net/a").params.url).toBe("https://api.example.net/a");
    expect(imported("curl.exe -s https://api.example.net/b").params.url).toBe("https://api.example.net/b");
    expect(imported("/usr/bin/curl https://api.example.net/c").params.url).toBe("https://api.example.net/c");
    expect(imported("LANG=C curl https://api.example.net/d").params.url).toBe("https://api.example.net/d");
  });

  it("ANSI-C quoting: \\n, \\t, \\x41, \\u00e9, \\' and octal", () => {
    const r = imported(`curl -H $'Content-Type: text/plain' -d $'a\\tb\\nc\\x41\\u00e9\\'\\101' https://api.example.net/t`);
    expect(r.params).toMatchObject({ bodyType: "text", body: "a\tb\ncAé'A" });
  });

  it("line continuations, with CRLF line ends too; a backslash escape outside quotes", () => {
    const r = imported("curl \\\r\n  -X PUT \\\r\n  https://api.example.net/a\\ b \\\n  -d x=1");
    expect(r.params).toMatchObject({ method: "PUT", url: "https://api.example.net/a b", body: { x: "1" } });
  });

  it("a doc that forgot the backslashes: lines starting with an option still belong to the command", () => {
    const r = imported(`curl https://api.example.net/x
  -H "X-Trace: 1"
  -d a=1`);
    expect(r.params).toMatchObject({ method: "POST", headers: { "X-Trace": "1" }, body: { a: "1" } });
  });

  it("an unquoted URL with & keeps its query (a shell would have run curl in the background)", () => {
    const r = imported("curl https://api.example.net/s?a=1&b=2");
    expect(r.params.query).toEqual({ a: "1", b: "2" });
  });

  it("pipes, redirections and later commands are left out, with a sentence", () => {
    const r = imported(`curl -s https://api.example.net/x 2>/dev/null -H "A: 1" > out.json | jq '.items[]'
echo done`);
    expect(r.params).toMatchObject({ url: "https://api.example.net/x", headers: { A: "1" } });
    expect(r.warnings).toContain("Only the curl command becomes the step; what follows it (| jq '.items[]') is left out.");
    expect(r.warnings).toContain("The text holds another command besides curl; only the curl command becomes the step.");
  });

  it("export TOKEN=… on a line before curl: the curl command is found, and $TOKEN asked for", () => {
    const r = imported(`export TOKEN=abc
curl -H "Authorization: Bearer $TOKEN" https://api.example.net/me`);
    expect(r.credentials[0]).toMatchObject({ value: "$TOKEN", placeholder: true });
  });
});

describe("curl's options", () => {
  it("repeated -d parts are joined with & as curl does; -X and a text content type keep them as written", () => {
    const r = imported(`curl -X PUT -H "Content-Type: text/plain" -d a=1 -d b=2 --data-ascii c https://api.example.net/x`);
    expect(r.params).toMatchObject({ method: "PUT", bodyType: "text", body: "a=1&b=2&c" });
  });

  it("-G puts the data in the query (with --data-urlencode encoded as curl encodes it)", () => {
    const r = imported(`curl -G https://api.example.net/search --data-urlencode "q=caf\u00e9 & bar" -d limit=10 -d "sort=-created"`);
    expect(r.params).toMatchObject({ method: "GET", url: "https://api.example.net/search", query: { q: "café & bar", limit: "10", sort: "-created" } });
    expect(r.params.body).toBeUndefined();
  });

  it("a repeated query name stays in the address as written", () => {
    const r = imported(`curl -G "https://api.example.net/items?tag=a" -d tag=b`);
    expect(r.params.url).toBe("https://api.example.net/items?tag=a&tag=b");
    expect(r.params.query).toBeUndefined();
  });

  it("--json sets the JSON content type and accept, and parses the body", () => {
    const r = imported(`curl --json '{"a":[1,2]}' https://api.example.net/j`);
    expect(r.params).toMatchObject({ method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, bodyType: "json", body: { a: [1, 2] } });
  });

  it("method defaults as curl's: GET, POST with data, HEAD with -I, GET with -G, -X wins", () => {
    expect(imported("curl https://api.example.net/").params.method).toBe("GET");
    expect(imported("curl -d x=1 https://api.example.net/").params.method).toBe("POST");
    expect(imported("curl -I https://api.example.net/").params.method).toBe("HEAD");
    expect(imported("curl -G -d x=1 https://api.example.net/").params.method).toBe("GET");
    expect(imported("curl -XDELETE https://api.example.net/1").params.method).toBe("DELETE");
    expect(imported("curl --request patch -d x=1 https://api.example.net/1").params.method).toBe("PATCH");
  });

  it("data with -X GET: the step cannot send a body with GET, so it uses POST and says so", () => {
    const r = imported(`curl -X GET localhost:9200/_search -H 'Content-Type: application/json' -d '{"query":{"match_all":{}}}'`);
    expect(r.params).toMatchObject({ method: "POST", url: "http://localhost:9200/_search", body: { query: { match_all: {} } } });
    expect(r.warnings.some((w) => w.startsWith("curl sends this data with GET, which the step cannot do"))).toBe(true);
    expect(r.warnings).toContain("The address has no http:// or https://; curl then uses http://, and so does the step. Use https:// if the API supports it.");
  });

  it("bundled short options (-sSLk), attached values (-XPOST, -HX-A:1) and --opt=value", () => {
    const r = imported(`curl -sSLk -XPOST -HX-A:1 --header=X-B:2 --max-time 2.5 --retry 9 https://api.example.net/x`);
    expect(r.params).toMatchObject({ method: "POST", headers: { "X-A": "1", "X-B": "2" }, timeoutMs: 2500, retries: 5 });
    expect(r.warnings).toContain("The step always checks the server's certificate, so -k (--insecure) has no effect.");
    expect(r.warnings).toContain("The step retries at most 5 times; --retry is cut to that.");
  });

  it("-A, -e, -b, -r become headers; harmless output options are ignored silently", () => {
    const r = imported(`curl -v -i -s -o out.json -w '%{http_code}' --compressed -A "MyApp/1.0" -e https://ref.example.net -r 0-99 -b "a=1" -b "b=2" https://api.example.net/f`);
    expect(r.params.headers).toEqual({ "User-Agent": "MyApp/1.0", Referer: "https://ref.example.net", Range: "bytes=0-99" });
    expect(r.credentials[0]).toMatchObject({ value: "a=1; b=2" });
    expect(r.warnings).toEqual([]);
  });

  it("unknown options are named in a warning, never a crash", () => {
    const r = imported(`curl --frobnicate -W --wibble https://api.example.net/x`);
    expect(r.params.url).toBe("https://api.example.net/x");
    expect(r.warnings).toContain("Toolflow does not know these curl options, so they are left out: --frobnicate, -W, --wibble.");
  });

  it("-F text fields become a URL-encoded form with a sentence; files are refused", () => {
    const r = imported(`curl -X POST https://api.mailgun.net/v3/mg.example.net/messages -u 'api:key-3ax6xnjp29jd6fds4gc373sgvjxteol0' -F from='Excited User <mailgun@mg.example.net>' -F to=ada@example.net -F subject=Hello -F text='Testing;type=text/plain'`);
    expect(r.params).toMatchObject({ bodyType: "form", body: { from: "Excited User <mailgun@mg.example.net>", to: "ada@example.net", subject: "Hello", text: "Testing" }, auth: { secret: "MAILGUN_LOGIN", scheme: "basic" } });
    expect(r.warnings[0]).toMatch(/^curl sends -F fields as a multipart form; the step sends them as a URL-encoded form/);
    expect(refused(`curl -F "file=@photo.jpg" https://api.example.net/upload`)).toBe(
      "Sending files (-F file=@photo.jpg) is not supported yet: the step sends text fields only, and Toolflow cannot read files on your computer.",
    );
  });

  it("@file data, -T uploads and header files are refused with a sentence (there is no file)", () => {
    expect(refused(`curl -d @body.json https://api.example.net/x`)).toBe(
      "The command reads its data from a file (-d @body.json); Toolflow cannot read files on your computer. Paste the file's contents in place of @body.json.",
    );
    expect(refused(`curl --data-binary @- https://api.example.net/x`)).toMatch(/^The command reads its data from a file \(--data-binary @-\)/);
    expect(refused(`curl --data-urlencode name@file.txt https://api.example.net/x`)).toMatch(/^The command reads a value from a file/);
    expect(refused(`curl -T report.csv https://api.example.net/x`)).toMatch(/^The command uploads a file \(-T report\.csv\)/);
    expect(refused(`curl -H @headers.txt https://api.example.net/x`)).toMatch(/^The command reads headers from a file/);
    expect(imported(`curl --data-raw @not-a-file https://api.example.net/x`).params.body).toBe("@not-a-file");
  });

  it("an Authorization header wins over -u, with a sentence; Basic headers are decoded into the login", () => {
    const r = imported(`curl -u ada:pw -H "Authorization: Basic ${btoa("grace:hopper")}" https://api.example.net/x`);
    expect(r.credentials).toHaveLength(1);
    expect(r.credentials[0]).toMatchObject({ value: "grace:hopper", use: { kind: "auth", scheme: "basic" }, where: "the Authorization header (Basic user and password)" });
    expect(r.warnings.some((w) => w.startsWith("The command has an Authorization header and a login"))).toBe(true);
    const token = imported(`curl -H "Authorization: token ghp_abcdef" https://api.github.com/user`);
    expect(token.params.auth).toEqual({ secret: "GITHUB_AUTHORIZATION", scheme: "header", name: "Authorization" });
    expect(token.credentials[0]!.value).toBe("token ghp_abcdef");
  });

  it("user and password in the address become a Basic login (the http node refuses them in the URL)", () => {
    const r = imported(`curl https://ada:s3cr%40t@api.example.net/x`);
    expect(r.params).toMatchObject({ url: "https://api.example.net/x", auth: { scheme: "basic" } });
    expect(r.credentials[0]!.value).toBe("ada:s3cr@t");
  });

  it("--oauth2-bearer is a Bearer token", () => {
    expect(imported(`curl --oauth2-bearer mF_9.B5f-4.1JqM https://api.example.net/x`).params.auth).toEqual({ secret: "EXAMPLE_TOKEN", scheme: "bearer" });
  });

  it("an unsupported method, a non-http scheme and no address at all are sentences", () => {
    expect(refused("curl -X PROPFIND https://dav.example.net/")).toBe('The step sends GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS requests; this command uses "PROPFIND".');
    expect(refused("curl ftp://files.example.net/a.txt")).toBe("The step calls http:// and https:// addresses; this command calls ftp://.");
    expect(refused("curl -s -H 'A: 1'")).toBe("The command has no address to call: add the URL, such as https://api.example.com/items.");
    expect(refused("curl -H")).toBe("The option -H needs a value after it.");
  });

  it("JSON that is not valid is sent as text, with the parser's reason; an Accept that is not JSON reads text", () => {
    const r = imported(`curl -H "Content-Type: application/json" -H "Accept: text/csv" -d '{"a": 1,}' https://api.example.net/x`);
    expect(r.params).toMatchObject({ bodyType: "text", body: '{"a": 1,}', responseType: "text" });
    expect(r.warnings[0]).toMatch(/^The data is not valid JSON \(.+\), so the step sends it as text, as written\.$/);
  });

  it("JSON without a JSON content type goes as a form body as curl sends it, with a sentence", () => {
    const r = imported(`curl -d '{"a":1}' https://api.example.net/x`);
    expect(r.params).toMatchObject({ bodyType: "form", body: '{"a":1}' });
    expect(r.warnings[0]).toMatch(/^The data is JSON, but the command does not say so/);
  });

  it("long numeric ids in JSON are not rounded: the body is kept as text", () => {
    const r = imported(`curl -H "Content-Type: application/json" -d '{"id": 12345678901234567890}' https://api.example.net/x`);
    expect(r.params).toMatchObject({ bodyType: "text", body: '{"id": 12345678901234567890}' });
  });

  it("Postman's {{placeholders}} are pointed out (in Toolflow {{ }} is an expression)", () => {
    const r = parseCurl(`curl --location '{{baseUrl}}/users' --header 'Authorization: Bearer {{token}}'`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.params.url).toBe("{{baseUrl}}/users");
    expect(r.host).toBeNull();
    expect(r.credentials[0]).toMatchObject({ value: "{{token}}", placeholder: true });
    expect(r.warnings[0]).toBe("The command has placeholders ({{baseUrl}}); in Toolflow {{ }} holds an expression, so replace them with values, or with input fields such as {{ input.baseUrl }}.");
  });

  it("only the first of several requests (--next, two URLs) becomes the step", () => {
    const r = imported(`curl https://api.example.net/a https://api.example.net/b`);
    expect(r.params.url).toBe("https://api.example.net/a");
    expect(r.warnings[0]).toBe("The command calls 2 addresses; the step calls the first one (https://api.example.net/a).");
    expect(imported(`curl https://api.example.net/a --next -d x=1 https://api.example.net/b`).params).toMatchObject({ method: "GET", url: "https://api.example.net/a" });
  });
});

describe("credentials and the step they make", () => {
  it("suggested names avoid the workspace's secrets and each other", () => {
    const r = imported(`curl -H "Authorization: Bearer t1" -H "X-Api-Key: k1" "https://api.acme.co.uk/x?api_key=k2"`, ["ACME_TOKEN"]);
    expect(r.credentials.map((c) => c.suggestedSecretName)).toEqual(["ACME_TOKEN_2", "ACME_API_KEY", "ACME_API_KEY_2"]);
    expect(r.params).toMatchObject({ auth: { secret: "ACME_TOKEN_2" }, headers: { "X-Api-Key": "{{ secrets.ACME_API_KEY }}" }, query: { api_key: "{{ secrets.ACME_API_KEY_2 }}" } });
    expect(imported("curl -u a:b http://127.0.0.1:8080/x").credentials[0]!.suggestedSecretName).toBe("API_LOGIN");
  });

  it("a credential left as written goes into the step as curl sent it; an edited secret name is used", () => {
    const r = imported(`curl -u ada:lovelace -H "X-Api-Key: k1" https://api.example.net/x`);
    const plain = httpParamsFor(r, { c1: { as: "plain" }, c2: { as: "secret", name: "MY_KEY" } });
    expect(plain.auth).toBeUndefined();
    expect(plain.headers).toEqual({ Authorization: `Basic ${btoa("ada:lovelace")}`, "X-Api-Key": "{{ secrets.MY_KEY }}" });
    expect(httpNode.params.safeParse(plain).success).toBe(true);
    const bearer = imported(`curl -H "Authorization: Bearer tok" "https://api.example.net/x"`);
    expect(httpParamsFor(bearer, { c1: { as: "plain" } }).headers).toEqual({ Authorization: "Bearer tok" });
    const query = imported(`curl "https://api.example.net/x?access_token=abcdefgh"`);
    expect(httpParamsFor(query, { c1: { as: "plain" } }).query).toEqual({ access_token: "abcdefgh" });
  });

  it("the preview masks every credential, by secret name or as ••••", () => {
    const r = imported(`curl -H "Authorization: Bearer tok-123" -H "X-Api-Key: key-456" -d password=pw-789 -d user=ada "https://api.example.net/x?q=1"`);
    const preview = previewRequest(r, {});
    expect(preview).toEqual({
      method: "POST",
      url: "https://api.example.net/x?q=1",
      headers: [
        { name: "Authorization", value: "Bearer •••• (secret EXAMPLE_TOKEN)" },
        { name: "X-Api-Key", value: "•••• (secret EXAMPLE_API_KEY)" },
      ],
      body: JSON.stringify({ user: "ada", password: "•••• (secret EXAMPLE_PASSWORD)" }, null, 2),
    });
    const plain = JSON.stringify(previewRequest(r, { c1: { as: "plain" }, c2: { as: "plain" }, c3: { as: "plain" } }));
    for (const v of ["tok-123", "key-456", "pw-789"]) expect(plain).not.toContain(v);
    expect(plain).toContain("Bearer ••••");
  });

  it("a whole workflow with the pasted step validates, its secrets existing and the header one readable", () => {
    const r = imported(`curl -H "Authorization: Bearer t" -H "apikey: k" https://api.example.net/x`);
    const doc = {
      format: "toolflow.workflow/v1",
      name: "pasted",
      nodes: [
        { id: "input", type: "input", params: { fields: [] } },
        { id: "http1", type: "http", params: { ...r.params, url: "https://api.acme.test/x" } },
        { id: "output", type: "output", params: { mode: "json", value: "{{ steps.http1.body }}" } },
      ],
      edges: [
        { from: "input", to: "http1" },
        { from: "http1", to: "output" },
      ],
    };
    const names = r.credentials.map((c) => c.suggestedSecretName);
    const readable = r.credentials.filter(needsReadableSecret).map((c) => c.suggestedSecretName);
    const valid = validateWorkflow(doc, { secretNames: names, readableSecretNames: readable });
    expect(valid.ok ? [] : valid.problems).toEqual([]);
    // Without the readable one, the check says so: that is why it is saved readable.
    const unreadable = validateWorkflow(doc, { secretNames: names, readableSecretNames: [] });
    expect(unreadable.ok ? [] : unreadable.problems.map((p) => p.message).join("\n")).toContain("EXAMPLE_APIKEY");
  });
});

describe("hostile input", () => {
  it("an unclosed quote is a sentence, for each kind of quote", () => {
    expect(refused(`curl -H 'Authorization: Bearer abc https://api.example.net`)).toBe("The command has an opening single quote (') that is never closed. Copy the whole command again, or close the quote.");
    expect(refused(`curl -d "{\\"a\\": 1} https://api.example.net`)).toMatch(/^The command has an opening double quote \(\"\) that is never closed/);
    expect(refused(`curl $'abc https://api.example.net`)).toMatch(/^The command has an opening \$' quote/);
    expect(refused("curl `date https://api.example.net")).toMatch(/^The command has an opening backtick/);
    expect(refused("curl $(date https://api.example.net")).toMatch(/^The command has an opening \$\( substitution/);
  });

  it("$(…) and backticks are never run: kept literal, with a sentence", () => {
    const marker = join(tmpdir(), `toolflow-curl-${process.pid}-${Date.now()}`);
    rmSync(marker, { force: true });
    const r = imported(`curl -H "X-Id: $(touch ${marker})" -H "X-When: \`touch ${marker}\`" https://api.example.net/x`);
    expect(existsSync(marker)).toBe(false);
    expect(r.params.headers).toEqual({ "X-Id": `$(touch ${marker})`, "X-When": `\`touch ${marker}\`` });
    expect(r.warnings.some((w) => w.includes("which a shell would run; Toolflow never runs commands, so they are kept as written"))).toBe(true);
    // Inside single quotes they are plain text, as in a shell, with nothing to say.
    expect(imported(`curl -d 'a=$(x)' https://api.example.net/x`).warnings).toEqual([]);
  });

  it("huge input is refused at once with a sentence; a big body under the bound still parses quickly", () => {
    const huge = `curl -d '${"a".repeat(MAX_CURL_CHARS)}' https://api.example.net/x`;
    expect(refused(huge)).toMatch(/^The command is [\d,]+ characters long; at most 262,144 can be pasted\./);
    const big = `curl -H "Content-Type: application/json" -d '${JSON.stringify({ items: Array.from({ length: 8000 }, (_, i) => ({ i, s: "x" })) })}' https://api.example.net/x`;
    expect(big.length).toBeLessThan(MAX_CURL_CHARS);
    const started = performance.now();
    expect(imported(big).params.bodyType).toBe("json");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("deeply nested JSON and pathological quoting do not break the reader", () => {
    const deep = `curl -H "Content-Type: application/json" -d '${"[".repeat(5000)}${"]".repeat(5000)}' https://api.example.net/x`;
    expect(imported(deep).params.bodyType).toBe("text");
    const many = `curl ${"-s '' ".repeat(20000)}https://api.example.net/x`;
    expect(refused(many)).toBe("The command has no address to call: add the URL, such as https://api.example.com/items.");
    const slashes = `curl -d "${"\\\\".repeat(50000)}" https://api.example.net/x`;
    expect(imported(slashes).params.body).toBe("\\".repeat(50000));
  });

  it("things that are not curl commands get a sentence that says what they are", () => {
    expect(refused("")).toMatch(/^Paste a cURL command/);
    expect(refused("wget https://example.net")).toBe("This is a wget command, not a cURL command. Copy the request as cURL instead.");
    expect(refused("Invoke-WebRequest -Uri https://example.net")).toMatch(/^This is a PowerShell command/);
    expect(refused('fetch("https://example.net")')).toMatch(/^This is JavaScript \(fetch\)/);
    expect(refused("rm -rf /")).toBe('This does not look like a cURL command: it should start with curl, not "rm".');
  });

  it("the tokeniser keeps an empty quoted word and splits on blanks only", () => {
    const t = tokenise(`curl '' "" a"b"'c' d\\ e`);
    expect(t.ok && t.commands[0]!.words.map((w) => w.text)).toEqual(["curl", "", "", "abc", "d e"]);
  });
});
