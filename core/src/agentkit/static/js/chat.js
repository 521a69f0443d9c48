// Chat runs: send the conversation to the host as an AG-UI RunAgentInput and fold the streamed
// events into the answer: its thinking, text, tool calls and the opaque reasoning to send back.
// Also Stop, Retry and New chat.

import { HttpError, NetworkError, runAgent } from "./api.js";
import { partsOf } from "./attachments.js";
import { chosenEffort } from "./effort.js";
import { currentModel, newId, state, update } from "./state.js";

/**
 * Add the person's message (its text and attachments) and run the agent on the conversation.
 * Resolves to {returned: true} when the host refused the request before running it (413 too
 * large, 422 a part the model cannot take...): the message is then taken back out of the
 * conversation and its attachments put back in the draft, for the composer to offer again.
 */
export async function send(text, attachments = []) {
  const message = { id: newId(), role: "user", content: text };
  if (attachments.length) message.attachments = attachments;
  // One change: the attachments move from the draft to the message, their bytes never let go.
  const draft = state.draft.filter((attachment) => !attachments.includes(attachment));
  update({ messages: [...state.messages, message], draft });
  return run(message);
}

/** Abort the run in progress; the host cancels the upstream call when the request goes away. */
export function stop() {
  state.running?.controller.abort();
}

/** Run again on the conversation up to the last message the person sent. */
export function retry() {
  const lastUser = state.messages.findLastIndex((message) => message.role === "user");
  if (lastUser < 0 || state.running) return;
  update({ messages: state.messages.slice(0, lastUser + 1) });
  return run();
}

/** Forget the conversation and start a new thread. */
export function newChat() {
  stop();
  update({ messages: [], threadId: newId() });
}

/** Run the agent; `sent` is the message just added, taken back if the host refuses the request. */
async function run(sent = null) {
  const answer = {
    id: newId(),
    role: "assistant",
    content: "",
    provider: state.provider,
    model: currentModel(),
    status: "streaming",
    thinking: null, // {text, ms: time spent thinking, since: when the open span began, or null}
    tools: [],
  };
  const controller = new AbortController();
  const forwardedProps = { provider: answer.provider };
  if (answer.model) forwardedProps.model = answer.model;
  const effort = chosenEffort();
  if (effort) forwardedProps.params = { reasoning_effort: effort };
  const input = {
    threadId: state.threadId,
    runId: newId(),
    protocolVersion: "1.0",
    state: {},
    messages: history(),
    tools: [],
    context: [],
    forwardedProps,
  };
  update({ messages: [...state.messages, answer], running: { controller, messageId: answer.id } });

  let ended = false;
  let returned = false;
  try {
    for await (const event of runAgent(state.agent, input, controller.signal)) {
      ended = apply(answer.id, event) || ended;
    }
    if (!ended) cut(answer.id);
  } catch (error) {
    if (error.name === "AbortError") {
      patch(answer.id, { status: "stopped" });
    } else if (error instanceof HttpError && sent && [413, 422].includes(error.status)) {
      giveBack(sent, answer.id, { code: error.code, message: error.message, hint: error.hint });
      returned = true;
    } else if (error instanceof HttpError) {
      fail(answer.id, { code: error.code, message: error.message, hint: error.hint });
    } else if (error instanceof NetworkError) {
      cut(answer.id);
    } else {
      fail(answer.id, { code: "internal_error", message: String(error.message || error) });
    }
  } finally {
    stopThinking(answer.id);
    update({ running: null });
  }
  return { returned };
}

/**
 * The conversation for the next run, as AG-UI messages: what the person said, and each answer's
 * text and tool calls with the opaque reasoning its provider asked to get back (`encryptedValue`,
 * from REASONING_ENCRYPTED_VALUE). The thinking text is not sent: the host never shows reasoning
 * messages to the model, and a provider that needs its reasoning back gets it through those
 * values (the host drops the values of another provider when the conversation switched).
 */
function history() {
  return state.messages.flatMap((message) => {
    if (message.role === "assistant") return answerMessages(message);
    if (message.role !== "user") return [];
    const content = userContent(message);
    return content.length ? [{ id: message.id, role: "user", content }] : [];
  });
}

/** A user message's content: its text alone, or AG-UI 1.0 input parts when it has attachments
 * (the text part first, then an image or document part with a data source for each file whose
 * bytes are still here; see attachments.js). */
function userContent(message) {
  const parts = partsOf(message.attachments || []);
  if (!parts.length) return message.content;
  return message.content ? [{ type: "text", text: message.content }, ...parts] : parts;
}

const NOT_RUN = "Not run: this chat page cannot run tools.";

/** An answer as AG-UI messages: the assistant message, then a result for each of its tool calls.
 * Providers reject a tool call left unanswered and this page runs no tools, so each result says
 * so. A call cut off before its arguments were complete is left out. */
function answerMessages(answer) {
  const calls = (answer.tools || []).filter((call) => isObject(call.args || "{}"));
  if (!answer.content && !calls.length) return [];
  // Fields left undefined are not sent: JSON.stringify drops them.
  const message = {
    id: answer.id,
    role: "assistant",
    content: answer.content || undefined,
    encryptedValue: answer.encryptedValue,
    toolCalls: calls.length
      ? calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.args || "{}" },
          encryptedValue: call.encryptedValue,
        }))
      : undefined,
  };
  const results = calls.map((call) => ({
    id: `${call.id}-result`,
    role: "tool",
    toolCallId: call.id,
    content: NOT_RUN,
  }));
  return [message, ...results];
}

/** Whether `json` is a JSON object (a tool call's arguments as the host accepts them). */
function isObject(json) {
  try {
    const value = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Fold one AG-UI event into the answer. Returns true when the run has ended. */
function apply(id, event) {
  const answer = state.messages.find((message) => message.id === id);
  switch (event.type) {
    case "RUN_STARTED": {
      const metadata = event.metadata || {};
      patch(id, {
        provider: metadata.provider || answer.provider,
        model: metadata.model || answer.model,
        reasoning: metadata.reasoning || null, // {effort, sent}: what was asked and sent upstream
      });
      return false;
    }
    case "REASONING_START": {
      // Spans of one answer share one Thinking block: their text joined, their time added up.
      const thinking = answer.thinking || { text: "", ms: 0, since: null };
      const text = thinking.text ? `${thinking.text}\n\n` : "";
      patch(id, { thinking: { ...thinking, text, since: Date.now() } });
      return false;
    }
    case "REASONING_MESSAGE_CONTENT": {
      const thinking = answer.thinking || { text: "", ms: 0, since: Date.now() };
      patch(id, { thinking: { ...thinking, text: thinking.text + (event.delta || "") } });
      return false;
    }
    case "REASONING_END":
      stopThinking(id);
      return false;
    case "REASONING_ENCRYPTED_VALUE":
      keepEncrypted(answer, event);
      return false;
    case "TEXT_MESSAGE_START":
      patch(id, { hostId: answer.hostId || event.messageId });
      return false;
    case "TEXT_MESSAGE_CONTENT":
      patch(id, { content: answer.content + (event.delta || "") });
      return false;
    case "TOOL_CALL_START":
      patch(id, {
        hostId: answer.hostId || event.parentMessageId,
        tools: [...answer.tools, { id: event.toolCallId, name: event.toolCallName, args: "" }],
      });
      return false;
    case "TOOL_CALL_ARGS":
      patch(id, {
        tools: answer.tools.map((call) =>
          call.id === event.toolCallId ? { ...call, args: call.args + (event.delta || "") } : call,
        ),
      });
      return false;
    case "RUN_FINISHED":
      patch(id, { status: "done", usage: (event.usage || [])[0] || null });
      return true;
    case "RUN_ERROR":
      fail(id, { code: event.code || "internal_error", message: event.message });
      return true;
    default:
      return false; // TEXT_MESSAGE_END, TOOL_CALL_END and others change nothing shown.
  }
}

/** Close the answer's open thinking span, adding its time to the total. */
function stopThinking(id) {
  const thinking = state.messages.find((message) => message.id === id)?.thinking;
  if (!thinking || thinking.since === null) return;
  patch(id, { thinking: { ...thinking, ms: thinking.ms + Date.now() - thinking.since, since: null } });
}

/** Keep an opaque value on what it belongs to: the answer (subtype "message", named by the id
 * the host streamed the answer under) or one of its tool calls. Others are ignored. */
function keepEncrypted(answer, { subtype, entityId, encryptedValue }) {
  if (typeof encryptedValue !== "string") return;
  if (subtype === "message" && entityId === answer.hostId) {
    patch(answer.id, { encryptedValue });
  } else if (subtype === "tool-call" && answer.tools.some((call) => call.id === entityId)) {
    patch(answer.id, {
      tools: answer.tools.map((call) => (call.id === entityId ? { ...call, encryptedValue } : call)),
    });
  }
}

function patch(id, changes) {
  update({
    messages: state.messages.map((message) => (message.id === id ? { ...message, ...changes } : message)),
  });
}

/** Show an error after the answer; an answer with no text is replaced by the error. */
function fail(id, error) {
  const answer = state.messages.find((message) => message.id === id);
  const entry = { id: newId(), role: "error", provider: answer.provider, model: answer.model, ...error };
  const partial = answer.content || answer.tools.length || answer.thinking;
  update({
    messages: state.messages.flatMap((message) => {
      if (message.id !== id) return [message];
      return partial ? [{ ...message, status: "incomplete" }, entry] : [entry];
    }),
  });
}

/** The host refused the request before running it: show why, take the message back out of the
 * conversation and put its attachments back in the draft (one change, so their bytes are never
 * let go in between). The error has no Retry: the message is back in the composer instead. */
function giveBack(sent, answerId, error) {
  const answer = state.messages.find((message) => message.id === answerId);
  const entry = {
    id: newId(),
    role: "error",
    provider: answer.provider,
    model: answer.model,
    returned: true,
    ...error,
  };
  update({
    messages: state.messages.flatMap((message) => {
      if (message.id === sent.id) return [];
      return message.id === answerId ? [entry] : [message];
    }),
    draft: [...(sent.attachments || []), ...state.draft],
  });
}

/** The stream ended without RUN_FINISHED or RUN_ERROR: keep what arrived and say it was cut. */
function cut(id) {
  const answer = state.messages.find((message) => message.id === id);
  if (answer.content || answer.tools.length || answer.thinking) {
    patch(id, { status: "cut" });
    update({ messages: [...state.messages, { id: newId(), role: "error", code: "stream_cut" }] });
  } else {
    fail(id, { code: "network_error" });
  }
}
