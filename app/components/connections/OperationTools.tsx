"use client";
// Placeholder filled in with the operation picker (next commit).
export function OperationTools(_props: { workspace: string; name: string }) {
  return null;
}
