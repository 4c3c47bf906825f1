// Tool icons (MCP 2025-11-25, SEP-973): a workflow may carry `icons` that `tools/list` returns for AI apps to show beside
// the tool. An addition to `toolflow.workflow/v1` (files without it load unchanged). An icon is shown by every client
// that lists the workspace's tools, so only images are accepted: an https address, or a small base64 `data:` URI of a
// PNG, JPEG, WebP or SVG image; `javascript:`, `http:`, other data and SVG with scripts are refused, and sizes are capped
// so that `tools/list` stays small.
import { z } from "zod";

export const ICON_MIME_TYPES = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/svg+xml"] as const;
/** Characters of one `data:` URI (about 12 KB of image): enough for a crisp 128×128 PNG or a plain SVG. */
export const MAX_ICON_DATA_URI = 16_384;
export const MAX_ICON_URL = 2_048;
export const MAX_ICONS = 4;
/** Characters of all of a tool's icon sources together, so a page of `tools/list` stays a few megabytes at most. */
export const MAX_ICONS_TOTAL = 24_576;

const DATA_URI = /^data:([^;,]*)((?:;[^;,]*)*),([\s\S]*)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): string | null {
  try {
    return atob(text);
  } catch {
    return null;
  }
}

/** Why `src` cannot be an icon, or null when it can: the sentence names the icon. */
export function iconSourceProblem(src: string, mimeType: string | undefined, n: number): string | null {
  const which = `icon ${n}`;
  if (src.startsWith("data:")) {
    if (src.length > MAX_ICON_DATA_URI) return `The image of ${which} is too large for an icon (${src.length} characters as a data: URI, at most ${MAX_ICON_DATA_URI}); use a smaller image or an https:// address.`;
    const m = DATA_URI.exec(src);
    const type = m?.[1]?.toLowerCase() ?? "";
    if (!(ICON_MIME_TYPES as readonly string[]).includes(type)) return `${which[0]!.toUpperCase()}${which.slice(1)} is ${type || "a data: URI without a type"}; icons may be PNG, JPEG, WebP or SVG images.`;
    if (!m![2]!.split(";").includes("base64") || !BASE64.test(m![3]!)) return `The data: URI of ${which} must hold its image as base64 (data:image/png;base64,iVBORw0KGgo… and so on).`;
    if (mimeType !== undefined && mimeType !== type) return `The mimeType of ${which} (${mimeType}) does not match its image (${type}); remove it or make them agree.`;
    const bytes = decodeBase64(m![3]!);
    if (bytes === null) return `The data: URI of ${which} is not valid base64.`;
    // An SVG is a document: clients that inline it would run its scripts, so none may be in it.
    if (type === "image/svg+xml" && /<script|javascript:|\son[a-z]+\s*=|<foreignObject/i.test(bytes)) return `The SVG image of ${which} contains scripts or event handlers; use an SVG with shapes only, or a PNG.`;
    return null;
  }
  if (src.length > MAX_ICON_URL) return `The address of ${which} is too long (${src.length} characters, at most ${MAX_ICON_URL}).`;
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return `The src of ${which} must be an https:// address or a data: URI of an image.`;
  }
  if (url.protocol !== "https:") return `The src of ${which} must be an https:// address or a data: URI of an image, not ${url.protocol}//.`;
  if (url.username || url.password) return `The address of ${which} contains a user name or password; AI apps would show it to everyone, so remove it.`;
  if (mimeType !== undefined && !(ICON_MIME_TYPES as readonly string[]).includes(mimeType)) return `The mimeType of ${which} is ${mimeType}; icons may be PNG, JPEG, WebP or SVG images.`;
  return null;
}

export const IconSchema = z.object({
  src: z.string().min(1, "Give the icon's src: an https:// address or a data: URI of an image."),
  mimeType: z.string().optional(),
  sizes: z.array(z.string().regex(/^(\d{1,4}x\d{1,4}|any)$/, 'Icon sizes are written like "48x48", or "any" for an SVG.')).max(8).optional(),
  theme: z.enum(["light", "dark"]).optional(),
});

export const IconsSchema = z
  .array(IconSchema)
  .max(MAX_ICONS, `A tool can have at most ${MAX_ICONS} icons (different sizes or themes of one picture).`)
  .superRefine((icons, ctx) => {
    icons.forEach((icon, i) => {
      const problem = iconSourceProblem(icon.src, icon.mimeType, i + 1);
      if (problem) ctx.addIssue({ code: "custom", path: [i, "src"], message: problem });
    });
    const total = icons.reduce((n, icon) => n + icon.src.length, 0);
    if (total > MAX_ICONS_TOTAL) ctx.addIssue({ code: "custom", path: [], message: `The icons are too large together (${total} characters, at most ${MAX_ICONS_TOTAL}); keep one small image or use https:// addresses.` });
  });

export type Icon = z.infer<typeof IconSchema>;
