import { RunsPanel, type RunFilters } from "../../../components/runs/RunsPanel";

export const metadata = { title: "Runs" };

const pick = <T extends string>(value: string | string[] | undefined, allowed: readonly T[]): T | undefined =>
  typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

export default async function RunsPage(props: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ slug }, query] = await Promise.all([props.params, props.searchParams]);
  const initial: RunFilters = {
    workflow: typeof query.workflow === "string" ? query.workflow.slice(0, 64) : undefined,
    status: pick(query.status, ["running", "ok", "error", "cancelled"] as const),
    trigger: pick(query.trigger, ["mcp", "test", "call"] as const),
    within: pick(query.within, ["1", "24", "168"] as const),
  };
  return <RunsPanel workspace={slug} initial={initial} />;
}
