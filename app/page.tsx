"use client";
import { Center, Loader } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useTRPC } from "./lib/trpc";
import { useSignInRedirect } from "./lib/use-signed-in";

/** The home page only forwards: to the person's first workspace, or to creating one (the server does it on a full load). */
export default function Home() {
  const trpc = useTRPC();
  const router = useRouter();
  const home = useQuery(trpc.account.home.queryOptions(undefined, { staleTime: 0 }));
  useSignInRedirect(home.error);
  useEffect(() => {
    if (home.data) router.replace(home.data);
  }, [home.data, router]);
  return (
    <Center h="100vh">
      <Loader aria-label="Opening your workspace" />
    </Center>
  );
}
