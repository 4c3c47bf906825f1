"use client";
import { Center, Loader } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useLocationSearch } from "../lib/location-search";
import { useTRPC } from "../lib/trpc";
import { SignUpForm } from "./SignUpForm";

/** What the page offers depends on the server's sign-up mode and the invitation in `?invite=` (SPEC §11). */
export default function SignUpPage() {
  const trpc = useTRPC();
  const search = useLocationSearch();
  const invite = search === null ? undefined : (new URLSearchParams(search).get("invite") ?? undefined);
  const state = useQuery(trpc.account.signUpState.queryOptions({ invite }, { enabled: search !== null, staleTime: 0 }));
  if (state.data) return <SignUpForm state={state.data} />;
  if (state.error) {
    return <SignUpForm state={{ kind: "refused", code: "UNAVAILABLE", message: "The sign-up form could not be loaded. Reload the page to try again." }} />;
  }
  return (
    <Center h="100vh">
      <Loader aria-label="Loading" />
    </Center>
  );
}
