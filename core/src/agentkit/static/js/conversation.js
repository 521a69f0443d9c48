// The conversation view: user messages, streamed answers rendered as safe Markdown, tool calls,
// and errors with their meaning and what to do. Each answer names its provider and model.

import { el, sentence } from "./dom.js";
import { explain } from "./errors.js";
import { providerIcon } from "./icons.js";
import { renderMarkdown } from "./markdown.js";
import { state, subscribe } from "./state.js";

const NOTES = {
  stopped: "Stopped.",
  cut: "Cut off: the connection broke before the answer finished.",
  interrupted: "Interrupted: the page was reloaded before the answer finished.",
  incomplete: "Incomplete: the run failed before the answer finished.",
};

/** Render the conversation into `log`; `onRetry()` runs from an error's Retry button. */
export function mountConversation(log, { onRetry }) {
  const rendered = new Map(); // message id -> {signature, node}
  let scheduled = false;

  log.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("retry")) onRetry();
    if (button.classList.contains("copy-code")) copyCode(button);
  });
  subscribe(() => {
    // Tokens can arrive faster than frames: render at most once per frame.
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
    });
  });
  render();

  function render() {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const nodes = state.messages.map((message, index) => {
      const last = index === state.messages.length - 1;
      const signature = JSON.stringify([message, last && !state.running, state.providers.length]);
      const known = rendered.get(message.id);
      if (known && known.signature === signature) return known.node;
      const node = messageNode(message, last && !state.running);
      rendered.set(message.id, { signature, node });
      return node;
    });
    const ids = new Set(state.messages.map((message) => message.id));
    for (const id of rendered.keys()) if (!ids.has(id)) rendered.delete(id);
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

function messageNode(message, canRetry) {
  if (message.role === "user") {
    return el(
      "article",
      { class: "message user", "data-id": message.id, "aria-label": "You" },
      el("div", { class: "bubble" }, message.content),
    );
  }
  if (message.role === "error") return errorNode(message, canRetry);
  return answerNode(message);
}

function answerNode(message) {
  const streaming = message.status === "streaming";
  const body = el("div", { class: "markdown" });
  body.append(renderMarkdown(message.content || ""));
  if (streaming) lastBlock(body).append(el("span", { class: "cursor", "aria-hidden": "true" }));
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
    body,
    (message.tools || []).map(toolCall),
    NOTES[message.status] ? el("p", { class: "message-note" }, NOTES[message.status]) : null,
  );
}

/** Where the streaming cursor goes: the end of the answer's last paragraph, item or code. */
function lastBlock(body) {
  let block = body.lastElementChild;
  while (block && ["UL", "OL", "BLOCKQUOTE", "DIV", "PRE"].includes(block.tagName)) {
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
  return el(
    "div",
    { class: "message-meta" },
    providerIcon(message.provider),
    el("span", { class: "origin" }, origin(message)),
    usage && usage.outputTokens != null
      ? el("span", { class: "usage", title: "Tokens in → out" }, `${usage.inputTokens ?? "?"} → ${usage.outputTokens} tokens`)
      : null,
  );
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
    el(
      "div",
      { class: "error-footer" },
      el("code", {}, message.code),
      canRetry ? el("button", { type: "button", class: "button retry" }, "Retry") : null,
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
