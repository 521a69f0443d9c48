// The conversation view: user messages with their attachments, streamed answers rendered as safe
// Markdown with their thinking folded above them, tool calls, and errors with their meaning and
// what to do. Each answer names its provider and model.

import { attachmentNode } from "./attachments.js";
import { el, sentence } from "./dom.js";
import { explain } from "./errors.js";
import { providerIcon } from "./icons.js";
import { renderMarkdown } from "./markdown.js";
import { state, subscribe } from "./state.js";

const RETURNED = "Your message was not sent: it is back in the message box.";

const NOTES = {
  stopped: "Stopped.",
  cut: "Cut off: the connection broke before the answer finished.",
  interrupted: "Interrupted: the page was reloaded before the answer finished.",
  incomplete: "Incomplete: the run failed before the answer finished.",
};

/** Render the conversation into `log`; `onRetry()` runs from an error's Retry button. */
export function mountConversation(log, { onRetry }) {
  const rendered = new Map(); // message id -> {signature, node}
  const unfolded = new Map(); // message id -> whether the person opened its Thinking block
  let scheduled = false;
  let lastEnd = 0; // when the last render ended (performance.now())
  let lastTook = 0; // how long it took, in ms

  log.addEventListener("click", (event) => {
    // Remember a Thinking block the person opened or closed, so streaming keeps it that way.
    const summary = event.target.closest(".thinking > summary");
    if (summary) unfolded.set(summary.closest(".message").dataset.id, !summary.parentNode.open);
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("retry")) onRetry();
    if (button.classList.contains("copy-code")) copyCode(button);
  });
  subscribe(() => {
    // Tokens can arrive faster than frames, and a long answer (tables, highlighted code) takes
    // a while to render again: render at most once a frame, and leave the page at least twice
    // the last render's time in between, so typing and scrolling stay smooth while it streams.
    if (scheduled) return;
    scheduled = true;
    const wait = Math.max(0, lastEnd + 2 * lastTook - performance.now());
    setTimeout(() => requestAnimationFrame(timedRender), wait);
  });
  render();

  function timedRender() {
    scheduled = false;
    const start = performance.now();
    render();
    lastEnd = performance.now();
    lastTook = lastEnd - start;
  }

  function render() {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const nodes = state.messages.map((message, index) => {
      const last = index === state.messages.length - 1;
      const signature = JSON.stringify([message, last && !state.running, state.providers.length]);
      const known = rendered.get(message.id);
      if (known && known.signature === signature) return known.node;
      const node = messageNode(message, last && !state.running, unfolded.get(message.id));
      rendered.set(message.id, { signature, node });
      return node;
    });
    const ids = new Set(state.messages.map((message) => message.id));
    for (const id of rendered.keys()) if (!ids.has(id)) rendered.delete(id);
    for (const id of unfolded.keys()) if (!ids.has(id)) unfolded.delete(id);
    if (!nodes.length) nodes.push(welcome());
    // Replace only what changed, so selections and focus elsewhere survive streaming.
    if (nodes.length !== log.children.length || nodes.some((node, i) => log.children[i] !== node)) {
      log.replaceChildren(...nodes);
    }
    if (atBottom) log.scrollTop = log.scrollHeight;
  }
}

function welcome() {
  return el(
    "div",
    { class: "welcome" },
    el("h1", {}, "What can I help with?"),
    el("p", { class: "muted" }, "Pick a provider and a model, then send a message. Enter sends, Shift+Enter adds a line."),
  );
}

function messageNode(message, canRetry, unfolded) {
  if (message.role === "user") {
    const attachments = message.attachments || [];
    return el(
      "article",
      { class: "message user", "data-id": message.id, "aria-label": "You" },
      attachments.length
        ? el("div", { class: "attachments" }, attachments.map((item) => attachmentNode(item)))
        : null,
      message.content ? el("div", { class: "bubble" }, message.content) : null,
    );
  }
  if (message.role === "error") return errorNode(message, canRetry);
  return answerNode(message, unfolded);
}

function answerNode(message, unfolded) {
  const streaming = message.status === "streaming";
  const thinkingNow = streaming && message.thinking?.since != null;
  const body = el("div", { class: "markdown answer-text" });
  body.append(renderMarkdown(message.content || ""));
  if (streaming && !thinkingNow) lastBlock(body).append(cursor());
  return el(
    "article",
    {
      class: `message assistant${streaming ? " streaming" : ""}`,
      "data-id": message.id,
      "data-status": message.status || "done",
      "aria-busy": String(streaming),
      "aria-label": `Answer from ${origin(message)}`,
    },
    meta(message),
    thinkingNode(message.thinking, thinkingNow, unfolded),
    body,
    (message.tools || []).map(toolCall),
    NOTES[message.status] ? el("p", { class: "message-note" }, NOTES[message.status]) : null,
  );
}

/**
 * The answer's thinking as a disclosure: open while the model thinks, folded once the answer
 * comes (unless the person chose otherwise), its summary saying how long it took. The text is
 * model output, rendered through the safe Markdown renderer like the answer.
 */
function thinkingNode(thinking, live, unfolded) {
  if (!thinking) return null;
  const text = el("div", { class: "markdown thinking-text" });
  text.append(renderMarkdown(thinking.text));
  if (live) lastBlock(text).append(cursor());
  return el(
    "details",
    { class: "thinking", open: unfolded ?? live, "data-state": live ? "thinking" : "done" },
    el("summary", {}, live ? "Thinking…" : `Thought for ${duration(thinking.ms)}`),
    text,
  );
}

/** "less than a second", "12 s", "2 min 5 s". */
function duration(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return "less than a second";
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function cursor() {
  return el("span", { class: "cursor", "aria-hidden": "true" });
}

/** Where the streaming cursor goes: the end of the answer's last paragraph, item or code. */
function lastBlock(body) {
  let block = body.lastElementChild;
  const containers = ["UL", "OL", "BLOCKQUOTE", "DIV", "PRE", "TABLE", "THEAD", "TBODY", "TR"];
  while (block && containers.includes(block.tagName)) {
    block = block.lastElementChild;
  }
  return block || body;
}

/** The answer's origin: "Ollama · llama3.2". */
function origin(message) {
  const provider = state.providers.find((p) => p.id === message.provider);
  const name = provider ? provider.name : message.provider || "unknown provider";
  return message.model ? `${name} · ${message.model}` : name;
}

function meta(message) {
  const usage = message.usage;
  const effort = message.reasoning?.effort;
  return el(
    "div",
    { class: "message-meta" },
    providerIcon(message.provider),
    el("span", { class: "origin" }, origin(message)),
    usage && usage.outputTokens != null
      ? el("span", { class: "usage", title: "Tokens in → out" }, `${usage.inputTokens ?? "?"} → ${usage.outputTokens} tokens`)
      : null,
    effort ? el("span", { class: "effort", title: sentTitle(message.reasoning) }, `effort: ${effort}`) : null,
  );
}

/** What the provider was sent for the asked effort, e.g. `Sent upstream: {"think":"high"}`. */
function sentTitle({ sent }) {
  if (sent) return `Sent upstream: ${JSON.stringify(sent)}`;
  return "Nothing sent upstream: the model does not reason, or its default applies";
}

function toolCall(call) {
  return el(
    "details",
    { class: "tool-call" },
    el("summary", {}, `Tool call: ${call.name || "(unnamed)"}`),
    el("pre", {}, call.args || "(no arguments)"),
  );
}

function errorNode(message, canRetry) {
  const { title, advice } = explain(message.code);
  return el(
    "article",
    { class: "message error", "data-id": message.id, "data-code": message.code, "aria-label": "Error" },
    message.provider ? meta(message) : null,
    el("strong", { class: "error-title" }, title),
    message.message ? el("p", { class: "error-detail" }, sentence(message.message)) : null,
    message.hint ? el("p", { class: "error-detail" }, sentence(message.hint)) : null,
    el("p", { class: "error-advice" }, el("span", { class: "label" }, "What to do: "), advice),
    message.returned ? el("p", { class: "error-detail" }, RETURNED) : null,
    el(
      "div",
      { class: "error-footer" },
      el("code", {}, message.code),
      canRetry && !message.returned
        ? el("button", { type: "button", class: "button retry" }, "Retry")
        : null,
    ),
  );
}

async function copyCode(button) {
  const code = button.closest(".code-block").querySelector("code").textContent;
  try {
    await navigator.clipboard.writeText(code);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Copy failed";
  }
  setTimeout(() => {
    button.textContent = "Copy";
  }, 1500);
}
