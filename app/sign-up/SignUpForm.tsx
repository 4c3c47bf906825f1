"use client";
import { Alert, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { MIN_PASSWORD_LENGTH } from "../../server/auth/limits";
import type { SignUpState } from "../../server/auth/signup";
import { AuthCard } from "../components/AuthCard";
import { authClient, oauthContinuation } from "../lib/auth-client";
import { authErrorMessage } from "../lib/auth-errors";

type Field = "name" | "email" | "password";

const SIGN_IN = { text: "Already have an account?", link: "Sign in", href: "/sign-in" };

export function SignUpForm({ state }: { state: SignUpState }) {
  if (state.kind === "refused") {
    return (
      <AuthCard title="Create your account" subtitle="Build tools your AI assistant can use." footer={SIGN_IN}>
        <Alert color={state.code === "INVITATION_REQUIRED" || state.code === "SIGNUP_CLOSED" ? "blue" : "red"} role="alert">
          {state.message}
        </Alert>
      </AuthCard>
    );
  }
  return <AccountForm state={state} />;
}

function AccountForm({ state }: { state: Exclude<SignUpState, { kind: "refused" }> }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Partial<Record<Field | "form", string>>>({});
  const [busy, setBusy] = useState(false);
  const invited = state.kind === "invited" ? state : null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const email = invited?.email ?? String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const found: typeof errors = {};
    if (!name) found.name = "Tell us your name.";
    if (!/^\S+@\S+\.\S+$/.test(email)) found.email = "Enter a valid email address.";
    if (password.length < MIN_PASSWORD_LENGTH) found.password = `Use at least ${MIN_PASSWORD_LENGTH} characters for the password.`;
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    // The server checks the invitation again and makes the membership; the page only passes the token on.
    const { data, error } = await authClient.signUp.email({ name, email, password, ...(invited ? { inviteToken: invited.token } : {}) });
    setBusy(false);
    if (error) {
      const { field, message } = authErrorMessage(error);
      setErrors({ [field ?? "form"]: message });
      return;
    }
    const next = oauthContinuation(data);
    if (next) return void window.location.assign(next);
    router.push(invited ? `/w/${encodeURIComponent(invited.workspace.slug)}` : "/workspaces/new");
    router.refresh();
  }

  const subtitle =
    state.kind === "invited"
      ? `You are invited to join ${state.workspace.name} as ${state.role === "viewer" ? "a viewer" : `an ${state.role}`}.`
      : state.kind === "first"
        ? "This is the first account on this server."
        : "Build tools your AI assistant can use.";

  return (
    <AuthCard title="Create your account" subtitle={subtitle} footer={SIGN_IN}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          {errors.form && <Alert color="red" role="alert">{errors.form}</Alert>}
          <TextInput label="Name" name="name" autoComplete="name" error={errors.name} required />
          <TextInput
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            error={errors.email}
            required
            {...(invited?.email ? { value: invited.email, readOnly: true, description: "This invitation is for this address." } : {})}
          />
          <PasswordInput
            label="Password"
            name="password"
            autoComplete="new-password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters`}
            error={errors.password}
            required
          />
          <Button type="submit" loading={busy}>
            Create account
          </Button>
          {state.kind === "invited" && (
            <Text size="xs" c="dimmed">
              The link works once: after this, it cannot be used again.
            </Text>
          )}
        </Stack>
      </form>
    </AuthCard>
  );
}
