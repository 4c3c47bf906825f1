// Languages for stemming, by PostgreSQL's built-in text search configurations (present since PostgreSQL 12), so
// "travelling" finds "travel". `simple` does not stem: it only lower-cases. SQLite stems English (Porter) whatever is chosen.
import { z } from "zod";

export const DOCUMENT_LANGUAGES = [
  "simple", "danish", "dutch", "english", "finnish", "french", "german", "hungarian", "italian", "norwegian",
  "portuguese", "romanian", "russian", "spanish", "swedish", "turkish",
] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

export const documentLanguageSchema = z.enum(DOCUMENT_LANGUAGES, {
  error: () => `The language must be one of ${DOCUMENT_LANGUAGES.join(", ")} ("simple" matches words as written, without stemming).`,
});
