"use client";
// The Documents page: what the workspace's assistants answer from. Upload (editors), search as a Search documents step
// does, the list, and one document's versions and extracted text in a drawer.
import { Alert, Stack, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { DocumentDrawer } from "./DocumentDrawer";
import { DocumentSearch } from "./DocumentSearch";
import { DocumentsTable } from "./DocumentsTable";
import { StorageCard } from "./StorageCard";
import { UploadZone } from "./UploadZone";

export function DocumentsPanel({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const usage = useQuery(trpc.documents.usage.queryOptions({ workspace }));
  const [open, setOpen] = useState<string | null>(null);
  const role = me.data?.role;
  const canEdit = role === "owner" || role === "editor";
  // Everything on the page may change with an upload, an edit or a delete.
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.documents.pathKey() });

  return (
    <Stack maw={1300}>
      <Title order={1} size="h2">
        Documents
      </Title>
      <Text size="sm" c="dimmed" maw={900}>
        Policies, contracts, manuals and FAQs that workflows search with a Search documents step. The text of each file is extracted and split into passages
        that keep their page or section; searches find words in any form (travelling finds travel) and rank the best passages first.
      </Text>
      {usage.error && <Alert color="red">{describeError(usage.error).message}</Alert>}
      {usage.data && <StorageCard workspace={workspace} usage={usage.data} isOwner={role === "owner"} onChanged={() => void refresh()} />}
      {canEdit && usage.data && <UploadZone workspace={workspace} maxBytes={usage.data.documentMaxBytes} onUploaded={() => void refresh()} />}
      <DocumentSearch workspace={workspace} onOpen={setOpen} />
      <DocumentsTable workspace={workspace} canEdit={canEdit} onOpen={setOpen} />
      <DocumentDrawer workspace={workspace} id={open} canEdit={canEdit} languages={usage.data?.languages ?? []} onClose={() => setOpen(null)} onChanged={() => void refresh()} />
    </Stack>
  );
}
