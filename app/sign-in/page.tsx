"use client";
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { AuthPaper } from "../components/AuthCard";
import { Landing } from "../components/Landing";
import { authClient, oauthContinuation } from "../lib/auth-client";
import { authErrorMessage } from "../lib/auth-errors";
import { useLocationSearch } from "../lib/location-search";

export default function SignInPage() {
  const router = useRouter();
  const [errors, setErrors] = useState<Partial<Record<"email" | "password" | "form", string>>>({});
  const [busy, setBusy] = useState(false);
  // On the way to connecting an app, a new account continues the same authorization: keep its signed query.
  const search = useLocationSearch();
  const signUpHref = search && new URLSearchParams(search).has("sig") ? `/sign-up?${search}` : "/sign-up";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const found: typeof errors = {};
    if (!email) found.email = "Enter your email address.";
    if (!password) found.password = "Enter your password.";
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const { data, error } = await authClient.signIn.email({ email, password });
    setBusy(false);
    if (error) {
      const { field, message } = authErrorMessage(error);
      setErrors({ [field ?? "form"]: message });
      return;
    }
    // Signed in on the way to connecting an app: on to its consent page (or straight back to the app).
    const next = oauthContinuation(data);
    if (next) return void window.location.assign(next);
    router.push("/");
    router.refresh();
  }

  return (
    <Landing signUpHref={signUpHref}>
      <AuthPaper title="Sign in" subtitle="Welcome back to Toolflow.">
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            {errors.form && <Alert color="red" role="alert">{errors.form}</Alert>}
            <TextInput label="Email" name="email" type="email" autoComplete="email" error={errors.email} required />
            <PasswordInput label="Password" name="password" autoComplete="current-password" error={errors.password} required />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </AuthPaper>
      <Text ta="center" size="sm" mt="md">
        New to Toolflow?{" "}
        <Anchor component={Link} href={signUpHref}>
          Create an account
        </Anchor>
      </Text>
    </Landing>
  );
}
