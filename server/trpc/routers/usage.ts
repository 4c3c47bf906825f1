import { computeUsage } from "../../services/usage";
import { usageCsv, usageCsvFilename } from "../../services/usage-csv";
import { UsageChartSchema, UsageQuerySchema } from "../../services/usage-schemas";
import { router, workspaceProcedure } from "../init";

// Viewers see usage: counts, durations, client and people names are what the Runs page already shows them, never
// the data the calls carried.
export const usageRouter = router({
  report: workspaceProcedure("viewer")
    .input(UsageQuerySchema)
    .query(({ ctx, input: { workspace: _workspace, ...query } }) => computeUsage(ctx.db, ctx.workspace.id, query)),
  /** The figures behind one chart as CSV text, which the page saves as a file. */
  csv: workspaceProcedure("viewer")
    .input(UsageQuerySchema.extend({ chart: UsageChartSchema }))
    .query(async ({ ctx, input: { workspace: _workspace, chart, ...query } }) => {
      const report = await computeUsage(ctx.db, ctx.workspace.id, query);
      return { filename: usageCsvFilename(ctx.workspace.slug, report, chart), text: usageCsv(report, chart) };
    }),
});
