// Chat runs: send the conversation to the host as an AG-UI RunAgentInput and fold the streamed
// events into the answer. Also Stop, Retry and New chat.

import { HttpError, NetworkError, runAgent } from "./api.js";
import { currentModel, newId, state, update } from "./state.js";

/** Add the person's message and run the agent on the conversation. */
export function send(text) {
  update({ messages: [...state.messages, { id: newId(), role: "user", content: text }] });
  return run();
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

async function run() {
  const answer = {
    id: newId(),
    role: "assistant",
    content: "",
    provider: state.provider,
    model: currentModel(),
    status: "streaming",
    tools: [],
  };
  const controller = new AbortController();
  const input = {
    threadId: state.threadId,
    runId: newId(),
    protocolVersion: "1.0",
    state: {},
    messages: history(),
    tools: [],
    context: [],
    forwardedProps: answer.model
      ? { provider: answer.provider, model: answer.model }
      : { provider: answer.provider },
  };
  update({ messages: [...state.messages, answer], running: { controller, messageId: answer.id } });

  let ended = false;
  try {
    for await (const event of runAgent(state.agent, input, controller.signal)) {
      ended = apply(answer.id, event) || ended;
    }
    if (!ended) cut(answer.id);
  } catch (error) {
    if (error.name === "AbortError") {
      patch(answer.id, { status: "stopped" });
    } else if (error instanceof HttpError) {
      fail(answer.id, { code: error.code, message: error.message, hint: error.hint });
    } else if (error instanceof NetworkError) {
      cut(answer.id);
    } else {
      fail(answer.id, { code: "internal_error", message: String(error.message || error) });
    }
  } finally {
    update({ running: null });
  }
}

/** The messages the model sees: what the person said and the answers' text. */
function history() {
  return state.messages
    .filter((message) => ["user", "assistant"].includes(message.role) && message.content)
    .map(({ id, role, content }) => ({ id, role, content }));
}

/** Fold one AG-UI event into the answer. Returns true when the run has ended. */
function apply(id, event) {
  const answer = state.messages.find((message) => message.id === id);
  switch (event.type) {
    case "RUN_STARTED": {
      const metadata = event.metadata || {};
      patch(id, { provider: metadata.provider || answer.provider, model: metadata.model || answer.model });
      return false;
    }
    case "TEXT_MESSAGE_CONTENT":
      patch(id, { content: answer.content + (event.delta || "") });
      return false;
    case "TOOL_CALL_START":
      patch(id, { tools: [...answer.tools, { id: event.toolCallId, name: event.toolCallName, args: "" }] });
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
      return false; // TEXT_MESSAGE_START/END, TOOL_CALL_END and others change nothing shown.
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
  const partial = answer.content || answer.tools.length;
  update({
    messages: state.messages.flatMap((message) => {
      if (message.id !== id) return [message];
      return partial ? [{ ...message, status: "incomplete" }, entry] : [entry];
    }),
  });
}

/** The stream ended without RUN_FINISHED or RUN_ERROR: keep what arrived and say it was cut. */
function cut(id) {
  const answer = state.messages.find((message) => message.id === id);
  if (answer.content || answer.tools.length) {
    patch(id, { status: "cut" });
    update({ messages: [...state.messages, { id: newId(), role: "error", code: "stream_cut" }] });
  } else {
    fail(id, { code: "network_error" });
  }
}
