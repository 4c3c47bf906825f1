import { Alert, Anchor, Text } from "@mantine/core";
import Link from "next/link";
import { describeConsent, type ConsentView } from "../../../server/services/oauthClients";
import { getDb } from "../../../server/db/client";
import { AppError } from "../../../server/errors";
import { AuthCard } from "../../components/AuthCard";
import { optionalUser } from "../../lib/session";
import { ConsentForm } from "./ConsentForm";

export const dynamic = "force-dynamic";
// The signed authorization request is in this page's address: it must not travel to other sites.
export const metadata = { title: "Connect an app", referrer: "same-origin" };

type Search = Record<string, string | string[] | undefined>;

function queryString(search: Search): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, v);
  return params.toString();
}

/** Where the authorization server sends a signed-in person to approve an app (SPEC §12). */
export default async function ConsentPage(props: { searchParams: Promise<Search> }) {
  const query = queryString(await props.searchParams);
  const user = await optionalUser();
  if (!user) {
    return (
      <AuthCard title="Connect an app" subtitle="Sign in to Toolflow first.">
        <Text size="sm">
          Your session ended.{" "}
          <Anchor component={Link} href={`/sign-in?${query}`}>
            Sign in
          </Anchor>{" "}
          to continue connecting the app.
        </Text>
      </AuthCard>
    );
  }
  let view: ConsentView;
  try {
    view = await describeConsent(getDb(), user.id, query);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (
      <AuthCard title="This app cannot be connected" subtitle="The request to connect it is not valid.">
        <Alert color="red" role="alert">
          {error.message}
        </Alert>
      </AuthCard>
    );
  }
  return <ConsentForm view={view} user={{ name: user.name, email: user.email }} />;
}
