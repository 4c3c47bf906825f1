"use client";
// "Connect" for authorization code connections: the server's start route runs in a popup; its callback page posts
// one message to this window. Only a message from our own origin, of our type, counts (any page can postMessage).
import { useEffect, useRef } from "react";

const MESSAGE_TYPE = "toolflow:connection-oauth";

export interface ConnectOutcome {
  ok: boolean;
  connection: string | null;
  message: string;
}

export function isConnectMessage(event: MessageEvent, origin: string): event is MessageEvent<ConnectOutcome & { type: string }> {
  if (event.origin !== origin) return false;
  const data = event.data as { type?: unknown; ok?: unknown; message?: unknown } | null;
  return typeof data === "object" && data !== null && data.type === MESSAGE_TYPE && typeof data.ok === "boolean" && typeof data.message === "string";
}

export function useConnectPopup(onOutcome: (outcome: ConnectOutcome) => void): (startPath: string) => void {
  const latest = useRef(onOutcome);
  useEffect(() => {
    latest.current = onOutcome;
  });
  useEffect(() => {
    function onMessage(event: MessageEvent) {
      if (!isConnectMessage(event, window.location.origin)) return;
      latest.current({ ok: event.data.ok, connection: event.data.connection ?? null, message: event.data.message });
    }
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);
  return (startPath) => {
    window.open(startPath, "toolflow-connect", "popup,width=560,height=720");
  };
}
