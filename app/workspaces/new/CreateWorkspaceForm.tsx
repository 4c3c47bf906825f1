"use client";
import { Alert, Button, Stack, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { AuthCard } from "../../components/AuthCard";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { useSignInRedirect } from "../../lib/use-signed-in";

/** "Acme Support Team" → "acme-support-team", what most people would pick as the URL name. */
function suggestSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  useSignInRedirect(me.error);
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<"name" | "slug" | "form", string>>>({});
  const create = useMutation(
    trpc.workspace.create.mutationOptions({
      onSuccess: async (workspace) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.listMine.queryKey() });
        // Every workspace frame lists the person's workspaces.
        await queryClient.invalidateQueries({ queryKey: trpc.account.shell.queryKey() });
        router.push(`/w/${workspace.slug}/workflows`);
      },
      onError: (error) => {
        const { field, message } = describeError(error);
        setErrors({ [field === "name" || field === "slug" ? field : "form"]: message });
      },
    }),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    create.mutate({ name, slug });
  }

  return (
    <AuthCard
      title="Create a workspace"
      subtitle={`Welcome${me.data ? `, ${me.data.name}` : ""}. A workspace holds your team's tool workflows and serves them from one MCP endpoint.`}
      width={460}
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          {errors.form && <Alert color="red" role="alert">{errors.form}</Alert>}
          <TextInput
            label="Workspace name"
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              if (!slugEdited) setSlug(suggestSlug(e.currentTarget.value));
            }}
            error={errors.name}
            required
          />
          <TextInput
            label="Slug"
            description={`Used in URLs and the MCP endpoint /mcp/${slug || "<slug>"}: 3–40 of a-z, 0-9 and -`}
            value={slug}
            onChange={(e) => {
              setSlug(e.currentTarget.value);
              setSlugEdited(true);
            }}
            error={errors.slug}
            required
          />
          <Button type="submit" loading={create.isPending}>
            Create workspace
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
