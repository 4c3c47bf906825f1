"use client";
// The fields of one kind of authentication. The credential itself is write-only: the form says whether it is set
// and takes a new value, never shows the stored one.
import { PasswordInput, SegmentedControl, Select, Stack, Text, TextInput } from "@mantine/core";
import { AUTH_KIND_LABELS } from "./StatusBadge";
import { AUTH_KINDS, type AuthDraft } from "./authDraft";

const SECRET_LABELS: Record<AuthDraft["kind"], string | null> = {
  none: null,
  api_key: "API key",
  bearer: "Token",
  basic: "Password",
  oauth2_client_credentials: "Client secret",
  oauth2_authorization_code: "Client secret",
};

export function AuthFields(props: {
  draft: AuthDraft;
  onChange: (d: AuthDraft) => void;
  secret: string;
  onSecret: (s: string) => void;
  /** Whether a credential is stored now (editing); null when creating. */
  hasSecret: boolean | null;
  errorFor: (field: string) => string | undefined;
}) {
  const { draft: d, onChange } = props;
  const set = (patch: Partial<AuthDraft>) => onChange({ ...d, ...patch });
  const oauth = d.kind === "oauth2_client_credentials" || d.kind === "oauth2_authorization_code";
  const secretLabel = d.kind === "oauth2_authorization_code" && d.clientAuth === "none" ? null : SECRET_LABELS[d.kind];
  return (
    <Stack gap="sm">
      <Select
        label="Authentication"
        data={AUTH_KINDS.map((k) => ({ value: k, label: AUTH_KIND_LABELS[k] }))}
        value={d.kind}
        onChange={(k) => k && set({ kind: k as AuthDraft["kind"] })}
        allowDeselect={false}
      />
      {d.kind === "api_key" && (
        <>
          <SegmentedControl aria-label="API key goes in" value={d.keyIn} onChange={(v) => set({ keyIn: v as AuthDraft["keyIn"] })} data={[{ value: "header", label: "Header" }, { value: "query", label: "Query parameter" }]} />
          <TextInput label={d.keyIn === "header" ? "Header name" : "Query parameter name"} placeholder={d.keyIn === "header" ? "X-API-Key" : "api_key"} value={d.keyName} onChange={(e) => set({ keyName: e.currentTarget.value })} error={props.errorFor("auth.name")} />
        </>
      )}
      {d.kind === "basic" && <TextInput label="User name" value={d.username} onChange={(e) => set({ username: e.currentTarget.value })} error={props.errorFor("auth.username")} />}
      {d.kind === "oauth2_authorization_code" && (
        <TextInput label="Authorization URL" placeholder="https://auth.example.com/authorize" value={d.authorizationUrl} onChange={(e) => set({ authorizationUrl: e.currentTarget.value })} error={props.errorFor("auth.authorizationUrl")} />
      )}
      {oauth && (
        <>
          <TextInput label="Token URL" placeholder="https://auth.example.com/token" value={d.tokenUrl} onChange={(e) => set({ tokenUrl: e.currentTarget.value })} error={props.errorFor("auth.tokenUrl")} />
          <TextInput label="Client ID" value={d.clientId} onChange={(e) => set({ clientId: e.currentTarget.value })} error={props.errorFor("auth.clientId")} />
          <TextInput label="Scopes" description="Separated by spaces" value={d.scopes} onChange={(e) => set({ scopes: e.currentTarget.value })} error={props.errorFor("auth.scopes")} />
          <Select
            label="Client authentication at the token endpoint"
            data={[
              { value: "client_secret_basic", label: "Client secret in a Basic header" },
              { value: "client_secret_post", label: "Client secret in the form body" },
              ...(d.kind === "oauth2_authorization_code" ? [{ value: "none", label: "None (public client, PKCE only)" }] : []),
            ]}
            value={d.kind === "oauth2_client_credentials" && d.clientAuth === "none" ? "client_secret_basic" : d.clientAuth}
            onChange={(v) => v && set({ clientAuth: v as AuthDraft["clientAuth"] })}
            allowDeselect={false}
          />
        </>
      )}
      {secretLabel && (
        <PasswordInput
          label={secretLabel}
          description={
            props.hasSecret === null ? "Sent once, stored encrypted; it is never shown again." : props.hasSecret ? "Set. Type a new value to replace it; leave empty to keep it." : "Not set."
          }
          value={props.secret}
          onChange={(e) => props.onSecret(e.currentTarget.value)}
          autoComplete="off"
          error={props.errorFor("secret")}
        />
      )}
      {d.kind === "none" && (
        <Text size="sm" c="dimmed">
          Requests go without credentials.
        </Text>
      )}
    </Stack>
  );
}
