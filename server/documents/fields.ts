// The names, folders and tags people give documents, checked and put in one spelling.
import { z } from "zod";

// Controls, and the characters that would read as paths or break a Content-Disposition header.
const UNSAFE = /[\u0000-\u001F\u007F-\u009F/\\"]/;

export const documentNameSchema = z
  .string()
  .transform((name) => name.normalize("NFC").trim())
  .pipe(
    z
      .string()
      .min(1, "Give the document a name.")
      .max(200, "A document name can be at most 200 characters.")
      .refine((name) => !UNSAFE.test(name), 'A document name cannot contain /, \\, " or control characters.')
      .refine((name) => name !== "." && name !== "..", "A document name cannot be . or .."),
  );

/** "Policies / HR/" → "Policies/HR"; "" is the top level. */
export const folderSchema = z
  .string()
  .max(200, "A folder path can be at most 200 characters.")
  .transform((folder) =>
    folder
      .normalize("NFC")
      .split("/")
      .map((part) => part.trim())
      .filter(Boolean)
      .join("/"),
  )
  .pipe(
    z
      .string()
      .refine((folder) => !/[\u0000-\u001F\u007F-\u009F\\]/.test(folder), "A folder name cannot contain \\ or control characters.")
      .refine((folder) => folder.split("/").length <= 8, "Folders can be nested at most 8 deep.")
      .refine((folder) => folder.split("/").every((part) => part.length <= 64 && part !== "." && part !== ".."), "Each folder name can be at most 64 characters (and not . or ..)."),
  );

export const tagSchema = z
  .string()
  .transform((tag) => tag.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .min(1, "A tag cannot be empty.")
      .max(40, "A tag can be at most 40 characters.")
      .refine((tag) => !/[\u0000-\u001F\u007F-\u009F]/.test(tag), "A tag cannot contain control characters."),
  );

export const tagsSchema = z
  .array(tagSchema)
  .max(20, "A document can have at most 20 tags.")
  .transform((tags) => [...new Set(tags)]);
