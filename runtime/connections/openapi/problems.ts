// What an import reports: sentences a person can act on, each naming the place in the description it is about.
import { z } from "zod";
import { placeName, type DescriptionPath } from "./places";

export const DescriptionProblemSchema = z.object({
  /** Where in the description, e.g. `paths./contacts.get.parameters[2]`; absent when it is about the whole text. */
  place: z.string().optional(),
  /** The whole sentence, place included: `At paths./contacts.get.parameters[2]: a parameter needs a "name".` */
  message: z.string(),
});
export type DescriptionProblem = z.infer<typeof DescriptionProblemSchema>;

/** A problem at `path` (the sentence after the colon starts lower-case), or about the whole description. */
export function problemAt(path: DescriptionPath | undefined, sentence: string): DescriptionProblem {
  if (!path || path.length === 0) return { message: sentence[0]!.toUpperCase() + sentence.slice(1) };
  const place = placeName(path);
  return { place, message: `At ${place}: ${sentence}` };
}

/** Raised inside the import to end it with these problems; `importDescription` turns it into a failure result. */
export class DescriptionError extends Error {
  constructor(readonly problems: DescriptionProblem[]) {
    super(problems.map((p) => p.message).join("\n"));
    this.name = "DescriptionError";
  }
}
