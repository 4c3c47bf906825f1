import { UsagePanel, type UsageFilters } from "../../../components/usage/UsagePanel";

export const metadata = { title: "Usage" };

export default async function UsagePage(props: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ slug }, query] = await Promise.all([props.params, props.searchParams]);
  const range = query.range === "24h" || query.range === "30d" ? query.range : "7d";
  const initial: UsageFilters = {
    range,
    tool: typeof query.tool === "string" && query.tool ? query.tool.slice(0, 64) : undefined,
    includeTests: query.tests === "1",
  };
  return <UsagePanel workspace={slug} initial={initial} />;
}
