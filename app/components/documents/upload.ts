// Sends one file to POST /api/documents/upload as the request body, reporting how much has gone (XHR is what has
// upload progress in browsers). The answer is the stored document, or the server's sentence on why it was refused.
export type UploadOutcome = { ok: true; id: string; version: number } | { ok: false; message: string; reason?: string };

export function uploadDocumentFile(
  workspace: string,
  file: File,
  options: { folder?: string; tags?: string[] },
  onProgress: (fraction: number) => void,
): { done: Promise<UploadOutcome>; abort(): void } {
  const params = new URLSearchParams({ workspace, name: file.name });
  if (options.folder) params.set("folder", options.folder);
  for (const tag of options.tags ?? []) params.append("tag", tag);
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadOutcome>((resolve) => {
    xhr.open("POST", `/api/documents/upload?${params}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: { id?: string; currentVersion?: number; error?: string; reason?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON: a proxy's page, or a cut connection
      }
      if (xhr.status === 200 && body.id) resolve({ ok: true, id: body.id, version: body.currentVersion ?? 1 });
      else resolve({ ok: false, message: body.error ?? `The upload failed (HTTP ${xhr.status}); try again.`, ...(body.reason ? { reason: body.reason } : {}) });
    };
    xhr.onerror = () => resolve({ ok: false, message: "The upload was interrupted; check the connection and try again." });
    xhr.onabort = () => resolve({ ok: false, message: "The upload was cancelled.", reason: "cancelled" });
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
