// The message box: Enter sends, Shift+Enter adds a line, Stop aborts the run in progress.
// Images and PDFs are attached with the attach button, by pasting an image or by dropping files
// on the chat; they show as thumbnails (a chip for a PDF) until sent, each with a remove button.
// Before anything is sent, the box says when the chosen model cannot take what is attached.

import {
  ACCEPT,
  AttachmentError,
  MAX_REQUEST_CHARS,
  NEEDS,
  attachmentNode,
  formatSize,
  hasBytes,
  readFile,
  refusedKinds,
  requestChars,
} from "./attachments.js";
import { el } from "./dom.js";
import {
  currentModel,
  currentModelInfo,
  currentProvider,
  newId,
  state,
  subscribe,
  update,
} from "./state.js";

/**
 * Wire the composer form. `onSend(text, attachments)` sends a message and may resolve to
 * {returned: true} when the host refused it (its attachments are then back in the draft and its
 * text is put back here); `onStop()` stops the run.
 */
export function mountComposer(
  { form, prompt, send, stop, note, attach, fileInput, tray, dropZone },
  { onSend, onStop },
) {
  let rendered = "";
  fileInput.accept = ACCEPT;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  prompt.addEventListener("keydown", (event) => {
    // isComposing: Enter also confirms an input method's composition (Japanese, Chinese...).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  prompt.addEventListener("input", grow);
  prompt.addEventListener("paste", (event) => {
    // Files are attached only when the clipboard holds no text: copying cells from a
    // spreadsheet also puts a picture of them there, and the person meant the text.
    const data = event.clipboardData;
    if (!data || !data.files.length || data.types.includes("text/plain")) return;
    event.preventDefault();
    add(data.files);
  });
  stop.addEventListener("click", onStop);
  attach.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    add(fileInput.files);
    fileInput.value = ""; // choosing the same file again still counts
  });
  tray.addEventListener("click", (event) => {
    const button = event.target.closest("button.remove-attachment");
    if (!button) return;
    const id = button.closest(".attachment").dataset.id;
    update({ draft: state.draft.filter((attachment) => attachment.id !== id), draftNote: null });
    prompt.focus();
  });
  wireDrop(dropZone, form, add);
  subscribe(render);
  render();

  async function submit() {
    const text = prompt.value.trim();
    const attachments = state.draft;
    if ((!text && !attachments.length) || state.running || blocker()) return;
    prompt.value = "";
    grow();
    update({ draftNote: null });
    const result = await onSend(text, attachments);
    if (result?.returned && !prompt.value.trim()) {
      prompt.value = text;
      grow();
    }
  }

  /** Read `files` into the draft; those the page cannot attach are named in the note. */
  async function add(files) {
    const problems = [];
    for (const file of Array.from(files)) {
      try {
        const attachment = await readFile(file, newId());
        update({ draft: [...state.draft, attachment] });
      } catch (error) {
        if (!(error instanceof AttachmentError)) throw error;
        problems.push(error.message);
      }
    }
    update({ draftNote: problems.length ? problems.join(" ") : null });
  }

  function render() {
    const running = Boolean(state.running);
    const reason = blocker();
    const stopHadFocus = document.activeElement === stop;
    send.hidden = running;
    stop.hidden = !running;
    send.disabled = Boolean(reason);
    const advice = reason ? null : mediaAdvice();
    const drafted = state.draft.map((attachment) => attachment.id);
    const signature = JSON.stringify([reason, advice, state.draftNote, drafted]);
    if (signature !== rendered) {
      rendered = signature;
      const warnings = [state.draftNote, reason].filter(Boolean);
      note.replaceChildren(
        ...warnings.map((text) => el("span", { class: "warning" }, text)),
        ...(advice ? [el("span", {}, advice)] : []),
      );
      tray.replaceChildren(...state.draft.map((attachment) => attachmentNode(attachment, true)));
      tray.hidden = !state.draft.length;
    }
    if (!running && stopHadFocus) prompt.focus();
  }

  /** Grow the box with its text, up to the CSS max-height. */
  function grow() {
    prompt.style.height = "auto";
    prompt.style.height = `${prompt.scrollHeight}px`;
  }
}

/** Files dragged over the chat can be dropped anywhere on it; the composer lights up meanwhile.
 * Dropping elsewhere on the page does nothing (the browser would otherwise open the file and
 * leave the page). */
function wireDrop(zone, form, add) {
  const carriesFiles = (event) => event.dataTransfer?.types.includes("Files");
  let depth = 0; // dragenter/dragleave fire for every child crossed
  zone.addEventListener("dragenter", (event) => {
    if (!carriesFiles(event)) return;
    depth += 1;
    form.classList.add("dropping");
  });
  zone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) form.classList.remove("dropping");
  });
  zone.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });
  zone.addEventListener("drop", (event) => {
    depth = 0;
    form.classList.remove("dropping");
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    add(event.dataTransfer.files);
  });
  for (const type of ["dragover", "drop"]) {
    document.addEventListener(type, (event) => {
      if (carriesFiles(event) && !zone.contains(event.target)) event.preventDefault();
    });
  }
}

/** Why a message cannot be sent right now, or null. */
function blocker() {
  const provider = currentProvider();
  if (!state.providers.length) return "Waiting for the host's providers…";
  if (!provider && Object.values(state.models).some((m) => m.status === "loading")) {
    return "Loading models…";
  }
  if (!provider) return "Pick a provider to chat with.";
  if (provider.state !== "ready") {
    return `${provider.name} is not ready; pick a ready provider or finish its setup.`;
  }
  return mediaBlocker() || sizeBlocker();
}

/** Attachments the next run sends: the draft's, and those earlier in the conversation whose
 * bytes are still here (each run sends the whole conversation). */
function outgoing() {
  const earlier = state.messages.flatMap((message) => message.attachments || []).filter(hasBytes);
  return { draft: state.draft, earlier };
}

/** What stops the chosen model from taking what would be sent, when its profile knows. */
function mediaBlocker() {
  const { draft, earlier } = outgoing();
  const model = currentModelInfo();
  const refused = refusedKinds(model, [...draft, ...earlier]);
  if (!refused?.length) return null;
  const what = refused.map((kind) => NEEDS[kind].plural).join(" or ");
  const needed = refused.map((kind) => NEEDS[kind].capability).join(" and ");
  const listed = model.capabilities.length
    ? `lists its capabilities as ${model.capabilities.join(", ")}`
    : "lists no capabilities for it";
  const fix = refusedKinds(model, draft).length
    ? `Remove the ${what}, or pick a model with ${needed}.`
    : `The conversation has ${what} earlier on: pick a model with ${needed}, or start a new chat.`;
  return `${model.name || model.id} cannot take ${what}: ${model.sources.capabilities} ${listed}. ${fix}`;
}

/** Why the attachments are too large to go in one request together, or null. Every run sends
 * the whole conversation, so earlier turns' files count too. */
function sizeBlocker() {
  const { draft, earlier } = outgoing();
  const chars = requestChars([...draft, ...earlier]);
  if (chars <= MAX_REQUEST_CHARS) return null;
  const total = formatSize(Math.ceil((chars * 3) / 4));
  const limit = formatSize((MAX_REQUEST_CHARS * 3) / 4);
  const fix = earlier.length
    ? "Remove some, or start a new chat: each message sends the whole conversation again."
    : "Remove some: each message sends the whole conversation, attachments included.";
  return `The attachments come to ${total}, more than the ${limit} the host takes in one request. ${fix}`;
}

/** A quiet note when the chosen model's capabilities are unknown: the host will decide. */
function mediaAdvice() {
  const { draft } = outgoing();
  if (!draft.length || refusedKinds(currentModelInfo(), draft) !== null) return null;
  const kinds = [...new Set(draft.map((attachment) => NEEDS[attachment.kind].plural))].join(" or ");
  const model = currentModel() || "this model";
  return `Whether ${model} takes ${kinds} is not known here; the host will say if it cannot.`;
}
