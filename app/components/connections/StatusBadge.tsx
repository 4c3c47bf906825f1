"use client";
// A connection's state for calls, in words; "needs re-authorisation" is red so an owner sees it in the list.
import { Badge, Tooltip } from "@mantine/core";
import type { RouterOutputs } from "../../lib/router-types";

type Status = RouterOutputs["connections"]["list"][number]["status"];

const LABELS: Record<Status["state"], { label: string; color: string }> = {
  ready: { label: "ready", color: "green" },
  no_base_url: { label: "no base URL", color: "yellow" },
  no_secret: { label: "credential not set", color: "yellow" },
  not_connected: { label: "needs to be connected", color: "yellow" },
  needs_authorization: { label: "needs re-authorisation", color: "red" },
  error: { label: "credential refused", color: "red" },
};

export function StatusBadge({ status }: { status: Status }) {
  const { label, color } = LABELS[status.state];
  const badge = (
    <Badge color={color} variant={color === "red" ? "filled" : "light"}>
      {label}
    </Badge>
  );
  return status.message ? <Tooltip label={status.message} multiline w={280}>{badge}</Tooltip> : badge;
}

export const AUTH_KIND_LABELS: Record<RouterOutputs["connections"]["list"][number]["auth"]["kind"], string> = {
  none: "None",
  api_key: "API key",
  bearer: "Bearer token",
  basic: "Basic (user name and password)",
  oauth2_client_credentials: "OAuth 2.0 client credentials",
  oauth2_authorization_code: "OAuth 2.0 authorization code",
};
