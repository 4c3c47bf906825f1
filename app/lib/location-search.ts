"use client";
import { useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

/** The page address's query string (without "?"), or null while rendering on the server. */
export function useLocationSearch(): string | null {
  return useSyncExternalStore(
    noSubscription,
    () => window.location.search.slice(1),
    () => null,
  );
}
