"use client";
// The tool's icons in the workflow settings (MCP tool icons, SEP-973): an image file becomes a data: URI kept in the
// file, or an https:// address is kept as written. AI apps show the icon beside the tool. Remote addresses are not
// loaded here (the editor fetches nothing from other sites); images in the file are previewed.
import { ActionIcon, Box, Button, Group, Image, Stack, Text, TextInput } from "@mantine/core";
import { useRef, useState } from "react";
import { ICON_MIME_TYPES, MAX_ICONS, iconSourceProblem, type Icon } from "../../../runtime/model";

/** The pixel size of an image data: URI as an MCP `sizes` entry ("48x48"; "any" for SVG), when the browser can tell. */
function sizeOf(src: string, mimeType: string): Promise<string | undefined> {
  if (mimeType === "image/svg+xml") return Promise.resolve("any");
  return new Promise((resolve) => {
    const img = new window.Image();
    img.onload = () => resolve(img.naturalWidth && img.naturalHeight ? `${img.naturalWidth}x${img.naturalHeight}` : undefined);
    img.onerror = () => resolve(undefined);
    img.src = src;
  });
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}

export function ToolIconsInput(props: { icons: Icon[]; readOnly: boolean; onChange: (icons: Icon[]) => void }) {
  const { icons } = props;
  const [error, setError] = useState<string | null>(null);
  const [address, setAddress] = useState("");
  const fileRef = useRef<HTMLInputElement>(null);
  const full = icons.length >= MAX_ICONS;

  const add = (icon: Icon): boolean => {
    const problem = iconSourceProblem(icon.src, icon.mimeType, icons.length + 1);
    setError(problem);
    if (!problem) props.onChange([...icons, icon]);
    return !problem;
  };
  const addAddress = () => {
    if (address.trim() && add({ src: address.trim() })) setAddress("");
  };

  const addFile = async (file: File) => {
    if (!(ICON_MIME_TYPES as readonly string[]).includes(file.type)) {
      setError(`${file.name} is not a PNG, JPEG, WebP or SVG image.`);
      return;
    }
    const src = await readAsDataUrl(file);
    const sizes = await sizeOf(src, file.type);
    add({ src, mimeType: file.type, ...(sizes ? { sizes: [sizes] } : {}) });
  };

  return (
    <Stack gap={4} role="group" aria-label="Tool icons">
      <Text size="xs" fw={500}>
        Icon
      </Text>
      <Text size="xs" c="dimmed">
        Shown by AI apps beside the tool: a small PNG, JPEG, WebP or SVG image (kept in the workflow), or an https:// address.
      </Text>
      {icons.map((icon, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          {icon.src.startsWith("data:") ? (
            <Image src={icon.src} alt={`Icon ${i + 1}`} w={32} h={32} fit="contain" />
          ) : (
            <Text size="xs" style={{ wordBreak: "break-all" }} aria-label={`Icon ${i + 1} address`}>
              {icon.src}
            </Text>
          )}
          <Text size="xs" c="dimmed" style={{ flex: 1 }}>
            {[icon.mimeType, icon.sizes?.join(" "), icon.theme && `${icon.theme} theme`].filter(Boolean).join(" · ")}
          </Text>
          {!props.readOnly && (
            <ActionIcon size="sm" variant="subtle" color="red" aria-label={`Remove icon ${i + 1}`} onClick={() => props.onChange(icons.filter((_, j) => j !== i))}>
              ✕
            </ActionIcon>
          )}
        </Group>
      ))}
      {!props.readOnly && !full && (
        <Box>
          <input
            ref={fileRef}
            type="file"
            accept={ICON_MIME_TYPES.join(",")}
            aria-label="Icon image file"
            style={{ display: "none" }}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              if (file) void addFile(file).catch((err: unknown) => setError((err as Error).message));
            }}
          />
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Button size="compact-xs" variant="light" onClick={() => fileRef.current?.click()}>
              Choose an image…
            </Button>
            <TextInput
              size="xs"
              placeholder="or https://…/icon.png"
              aria-label="Icon address"
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") addAddress();
              }}
              style={{ flex: 1 }}
            />
            <Button
              size="compact-xs"
              variant="subtle"
              disabled={!address.trim()}
              onClick={addAddress}
            >
              Add
            </Button>
          </Group>
        </Box>
      )}
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
