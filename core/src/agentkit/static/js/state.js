// The page's state: what the host offers, what the person chose, and the conversation.
//
// Choices and the conversation are saved to localStorage on every change, so a reload
// (or a crash) restores them; attachments' bytes are kept apart (attachments.js says how far).
// Components subscribe and re-render from this one object.

import { persistBytes, restoreBytes, stopStoringBytes } from "./attachments.js";

const STORAGE_KEY = "agentkit.page.v1";

/** The reasoning efforts a run can ask for (forwardedProps.params.reasoning_effort), least first. */
export const EFFORTS = ["none", "minimal", "low", "medium", "high"];

const listeners = new Set();

export const state = {
  // From the host.
  providers: [], // [{id, name, state, error, hint, notice, default_model, package, version}]
  models: {}, // providerId -> {status: "loading"|"ready"|"error", list: [...], error}
  agents: [],
  defaultProvider: null,
  // The person's choices, saved.
  provider: null,
  modelByProvider: {}, // providerId -> model id last chosen for it
  agent: "chat",
  reasoningEffort: "", // one of EFFORTS, or "" for the provider's default
  // The conversation, saved.
  threadId: newId(),
  // [{id, role: "user"|"assistant"|"error", content, provider, model, ...}]; a user message may
  // have `attachments` (see attachments.js); an answer also has `thinking` {text, ms, since},
  // `tools` [{id, name, args, encryptedValue}], `encryptedValue`.
  messages: [],
  // The message being written (not saved).
  draft: [], // attachments waiting to be sent
  draftNote: null, // why the last file offered was not attached
  // The run in progress, if any (not saved).
  running: null, // {controller, messageId}
};

/** A fresh random id for threads, runs and messages. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only (https, localhost)
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Call `listener(state)` after every change. */
export function subscribe(listener) {
  listeners.add(listener);
}

/** Apply `changes` to the state, save what should survive a reload, and notify listeners. */
export function update(changes = {}) {
  Object.assign(state, changes);
  save();
  for (const listener of listeners) listener(state);
}

/** The model chosen for the selected provider. */
export function currentModel() {
  return state.provider ? state.modelByProvider[state.provider] || null : null;
}

/** The chosen model's entry in its provider's listing ({id, capabilities, ...}), or null. */
export function currentModelInfo() {
  const listing = state.models[state.provider];
  const id = currentModel();
  return (listing?.list || []).find((model) => model.id === id) || null;
}

/** The selected provider's entry, or null. */
export function currentProvider() {
  return state.providers.find((p) => p.id === state.provider) || null;
}

/** Restore choices and the conversation from the last visit. */
export function restore() {
  let saved;
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
  } catch {
    saved = null;
  }
  if (!saved || typeof saved !== "object") return;
  state.provider = typeof saved.provider === "string" ? saved.provider : null;
  state.modelByProvider = saved.modelByProvider || {};
  state.agent = saved.agent || "chat";
  state.reasoningEffort = EFFORTS.includes(saved.reasoningEffort) ? saved.reasoningEffort : "";
  state.threadId = saved.threadId || state.threadId;
  // A run cut short by the reload stays as it was, marked as interrupted.
  state.messages = Array.isArray(saved.messages)
    ? saved.messages.map((m) => (m.status === "streaming" ? { ...m, status: "interrupted" } : m))
    : [];
  restoreBytes(state.messages);
}

function save() {
  const { provider, modelByProvider, agent, reasoningEffort, threadId, messages } = state;
  const saved = JSON.stringify({ provider, modelByProvider, agent, reasoningEffort, threadId, messages });
  if (!store(saved)) {
    // The conversation comes first: give it the room the attachments' bytes took.
    stopStoringBytes();
    store(saved);
  }
  persistBytes(messages, state.draft);
}

/** Save the state's JSON; false when storage is full or disabled (the page then still works,
 * it just forgets on reload). */
function store(json) {
  try {
    localStorage.setItem(STORAGE_KEY, json);
    return true;
  } catch {
    return false;
  }
}
