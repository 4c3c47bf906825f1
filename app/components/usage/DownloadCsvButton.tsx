"use client";
// Saves the figures behind one chart as a CSV file. The server writes the CSV (escaping and formula guard in one
// place); the browser only turns the text into a file, so nothing is fetched from anywhere but the app.
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import type { RouterInputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";

type CsvInput = RouterInputs["usage"]["csv"];

export function DownloadCsvButton({ input, what }: { input: CsvInput; what: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    try {
      const file = await queryClient.fetchQuery({ ...trpc.usage.csv.queryOptions(input), staleTime: 0 });
      const url = URL.createObjectURL(new Blob([file.text], { type: "text/csv;charset=utf-8" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = file.filename;
      document.body.append(link);
      link.click();
      link.remove();
      // Revoked a moment later: some browsers start reading the blob only after the click handler returns.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      notifications.show({ color: "red", title: "The CSV could not be made", message: describeError(error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button size="xs" variant="default" loading={busy} onClick={download} aria-label={`Download CSV of ${what}`}>
      Download CSV
    </Button>
  );
}
