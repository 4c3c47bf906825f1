"use client";
import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { MIN_PASSWORD_LENGTH } from "../../server/auth/limits";
import { AuthCard } from "../components/AuthCard";
import { authClient } from "../lib/auth-client";
import { authErrorMessage } from "../lib/auth-errors";

type Field = "name" | "email" | "password";

export default function SignUpPage() {
  const router = useRouter();
  const [errors, setErrors] = useState<Partial<Record<Field | "form", string>>>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const found: typeof errors = {};
    if (!name) found.name = "Tell us your name.";
    if (!/^\S+@\S+\.\S+$/.test(email)) found.email = "Enter a valid email address.";
    if (password.length < MIN_PASSWORD_LENGTH) found.password = `Use at least ${MIN_PASSWORD_LENGTH} characters for the password.`;
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const { error } = await authClient.signUp.email({ name, email, password });
    setBusy(false);
    if (error) {
      const { field, message } = authErrorMessage(error);
      setErrors({ [field ?? "form"]: message });
      return;
    }
    router.push("/workspaces/new");
    router.refresh();
  }

  return (
    <AuthCard
      title="Create your account"
      subtitle="Build tools your AI assistant can use."
      footer={{ text: "Already have an account?", link: "Sign in", href: "/sign-in" }}
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          {errors.form && <Alert color="red" role="alert">{errors.form}</Alert>}
          <TextInput label="Name" name="name" autoComplete="name" error={errors.name} required />
          <TextInput label="Email" name="email" type="email" autoComplete="email" error={errors.email} required />
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
        </Stack>
      </form>
    </AuthCard>
  );
}
