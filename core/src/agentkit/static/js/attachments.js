// Images and PDFs a person attaches to a message: reading them, their thumbnails, what each model
// can take, and the AG-UI 1.0 input parts they are sent as.
//
// An attachment in the state is its description: {id, kind: "image"|"document", name, mimeType,
// size (bytes), thumb (a small data: URL, images only)}. Its bytes (base64) live apart, in this
// module, so the conversation stays cheap to copy, compare and save while an answer streams.
//
// What survives a reload. localStorage holds about 5 MB per site, and one phone photo is 3-4 MB
// of base64, so not every attachment can be kept. The choice:
// - Descriptions and thumbnails (a few KB each) are saved with the conversation, so every turn
//   still shows what was attached.
// - Bytes are kept in memory while the page is open, so every turn keeps its files for as long
//   as the conversation runs in this tab.
// - Across a reload, bytes are kept newest first within BYTES_BUDGET, one localStorage entry per
//   attachment, written once (not with every streamed token). Older or larger ones are dropped:
//   their turn then says the file was not kept, and they are no longer sent to the model.

import { el } from "./dom.js";

const KINDS = {
  "image/png": "image",
  "image/jpeg": "image",
  "image/webp": "image",
  "image/gif": "image",
  "application/pdf": "document",
};

/** The file types the page attaches, for a file input's `accept`. */
export const ACCEPT = Object.keys(KINDS).join(",");

/** What each kind of part needs in a model's capabilities, and how a person calls it. */
export const NEEDS = {
  image: { capability: "vision", plural: "images" },
  document: { capability: "documents", plural: "PDFs" },
};

/** The largest file the page attaches: the host's limit per part (AGENTKIT_MAX_PART_BYTES, 20 MB
 * by default; GET /agents says what it is). */
export let MAX_FILE_BYTES = 20_000_000;
/** Base64 characters of attachments one request may carry: the host's request body limit
 * (AGENTKIT_MAX_BODY_BYTES, 32 MB by default), less a sixteenth for the conversation's text. */
export let MAX_REQUEST_CHARS = 30_000_000;

/** Take the host's limits (GET /agents `limits`); the defaults stay when it gives none. */
export function useHostLimits(limits) {
  if (Number.isFinite(limits?.max_part_bytes)) MAX_FILE_BYTES = limits.max_part_bytes;
  if (Number.isFinite(limits?.max_body_bytes)) {
    MAX_REQUEST_CHARS = Math.floor((limits.max_body_bytes * 15) / 16);
  }
}

const BYTES_KEY = "agentkit.page.v1.file.";
const BYTES_BUDGET = 2_000_000; // characters of base64 kept across a reload (~1.5 MB of files)
const THUMB_SIZE = 240; // pixels, the longer side

const bytes = new Map(); // attachment id -> base64, for attachments of this page's life
const saved = new Set(); // ids whose bytes are in localStorage
let storing = true; // false once the conversation needed the room

/** A file the page cannot attach, with a sentence saying why. */
export class AttachmentError extends Error {}

/** Read a File into an attachment (its bytes kept here). Throws AttachmentError when it is not
 * an image or a PDF the page takes, is larger than the host takes, or cannot be read. */
export async function readFile(file, id) {
  const kind = KINDS[file.type];
  const name = file.name || (kind === "image" ? "pasted image" : "document");
  if (!kind) {
    throw new AttachmentError(
      `${name} is not an image (PNG, JPEG, WebP, GIF) or a PDF, so it was not attached.`,
    );
  }
  if (file.size > MAX_FILE_BYTES) {
    // Checked before reading: a huge file is never loaded into the page.
    throw new AttachmentError(
      `${name} is ${formatSize(file.size)}, more than the ${formatSize(MAX_FILE_BYTES)} the ` +
        "host takes per file, so it was not attached. Attach a smaller file (a screenshot of " +
        "the part that matters, fewer pages).",
    );
  }
  let data, thumb;
  try {
    data = await base64Of(file);
    thumb = kind === "image" ? await thumbnail(file) : null;
  } catch {
    throw new AttachmentError(`${name} could not be read${kind === "image" ? " as an image" : ""}.`);
  }
  bytes.set(id, data);
  return { id, kind, name, mimeType: file.type, size: file.size, thumb };
}

/** Whether the attachment's bytes are here to send (false once dropped by a reload). */
export function hasBytes(attachment) {
  return bytes.has(attachment.id);
}

/** How many base64 characters the attachments' bytes take in a request. */
export function requestChars(attachments) {
  return attachments.reduce((total, attachment) => total + (bytes.get(attachment.id)?.length || 0), 0);
}

/** The attachments as AG-UI 1.0 input parts with data sources; those without bytes are left out. */
export function partsOf(attachments) {
  return attachments.filter(hasBytes).map((attachment) => ({
    type: attachment.kind,
    source: { type: "data", value: bytes.get(attachment.id), mimeType: attachment.mimeType },
    metadata: { filename: attachment.name },
  }));
}

/**
 * What `model` (its listing entry) cannot take among `attachments`: the kinds it is known not
 * to take, [] when it takes them all, or null when its capabilities are unknown (its listing
 * gives no source for them), in which case the host decides.
 */
export function refusedKinds(model, attachments) {
  if (!model || !("capabilities" in (model.sources || {}))) return null;
  const kinds = new Set(attachments.map((attachment) => attachment.kind));
  return [...kinds].filter((kind) => !model.capabilities.includes(NEEDS[kind].capability));
}

/**
 * An attachment as shown in the draft (`removable`) and in the conversation: an image's
 * thumbnail, a PDF's chip with its name and size. One whose bytes a reload dropped says so.
 */
export function attachmentNode(attachment, removable = false) {
  const { id, kind, name, size, thumb } = attachment;
  const label = `${name} (${formatSize(size)})`;
  const picture =
    kind === "image" && typeof thumb === "string" && thumb.startsWith("data:image/")
      ? el("img", { src: thumb, alt: name, title: label })
      : el(
          "span",
          { class: "file-chip", title: label },
          el("span", { class: "file-type", "aria-hidden": "true" }, kind === "image" ? "IMG" : "PDF"),
          el("span", { class: "file-name" }, name),
          el("span", { class: "file-size" }, formatSize(size)),
        );
  const kept = removable || hasBytes(attachment);
  return el(
    "figure",
    { class: `attachment ${kind}${kept ? "" : " dropped"}`, "data-id": id },
    picture,
    removable
      ? el(
          "button",
          { type: "button", class: "remove-attachment", "aria-label": `Remove ${name}`, title: "Remove" },
          "×",
        )
      : null,
    kept
      ? null
      : el(
          "figcaption",
          { class: "attachment-note" },
          "Not kept after the reload (browser storage is small), so no longer sent to the model.",
        ),
  );
}

/** "2.4 MB", "980 KB", "12 bytes". */
export function formatSize(size) {
  if (size >= 1e6) return `${(size / 1e6).toFixed(1)} MB`;
  if (size >= 1e3) return `${Math.round(size / 1e3)} KB`;
  return `${size} bytes`;
}

/** Load the kept bytes of the conversation's attachments, and forget any others left over. */
export function restoreBytes(messages) {
  const wanted = new Set(attachmentsOf(messages).map((attachment) => attachment.id));
  for (const key of Object.keys(localStorage)) {
    if (!key.startsWith(BYTES_KEY)) continue;
    const id = key.slice(BYTES_KEY.length);
    const value = wanted.has(id) ? localStorage.getItem(key) : null;
    if (value) {
      bytes.set(id, value);
      saved.add(id);
    } else {
      localStorage.removeItem(key);
    }
  }
}

/**
 * Keep the stored bytes in line with the conversation: the newest attachments within the
 * budget are stored, the rest removed; bytes of attachments neither in `messages` nor in
 * `draft` (a new chat, a removed attachment) are let go.
 */
export function persistBytes(messages, draft) {
  const attachments = attachmentsOf(messages);
  const live = new Set([...attachments, ...draft].map((attachment) => attachment.id));
  for (const id of bytes.keys()) if (!live.has(id)) bytes.delete(id);

  const wanted = new Set();
  let used = 0;
  for (const attachment of storing ? attachments.reverse() : []) {
    const value = bytes.get(attachment.id);
    if (!value || used + value.length > BYTES_BUDGET) continue;
    wanted.add(attachment.id);
    used += value.length;
  }
  for (const id of saved) {
    if (wanted.has(id)) continue;
    localStorage.removeItem(BYTES_KEY + id);
    saved.delete(id);
  }
  for (const id of wanted) {
    if (saved.has(id)) continue;
    try {
      localStorage.setItem(BYTES_KEY + id, bytes.get(id));
      saved.add(id);
    } catch {
      // Storage full or disabled: this file is simply not kept across a reload.
    }
  }
}

/** Stop keeping bytes across reloads, for this page's life, and free what they took: the
 * conversation itself no longer fits beside them. */
export function stopStoringBytes() {
  storing = false;
  for (const id of saved) localStorage.removeItem(BYTES_KEY + id);
  saved.clear();
}

function attachmentsOf(messages) {
  return messages.flatMap((message) => message.attachments || []);
}

function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** A small WebP (PNG where the browser cannot encode WebP) of the image, as a data: URL. */
async function thumbnail(file) {
  const image = await createImageBitmap(file);
  const scale = Math.min(1, THUMB_SIZE / Math.max(image.width, image.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(image.width * scale));
  canvas.height = Math.max(1, Math.round(image.height * scale));
  canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  image.close();
  return canvas.toDataURL("image/webp", 0.8);
}
