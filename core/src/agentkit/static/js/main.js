// The page's entry point: restore the last session, load what the host offers, wire components.

import { mountAgents } from "./agents.js";
import { HttpError, getJSON, onKeyRequired } from "./api.js";
import { useHostLimits } from "./attachments.js";
import { newChat, retry, send, stop } from "./chat.js";
import { mountComposer } from "./composer.js";
import { mountConversation } from "./conversation.js";
import { el, sentence } from "./dom.js";
import { mountEffort } from "./effort.js";
import { explain } from "./errors.js";
import { providerIcon } from "./icons.js";
import { mountModels } from "./models.js";
import { mountProviders } from "./providers.js";
import { currentModel, currentProvider, restore, state, subscribe, update } from "./state.js";

const $ = (id) => document.getElementById(id);

restore();
onKeyRequired(askForKey);

mountProviders($("provider-list"), chooseProvider);
mountModels(
  { status: $("model-status"), filter: $("model-filter"), list: $("model-list"), refresh: $("refresh-models") },
  { onChoose: chooseModel, onRefresh: () => loadModels(state.provider, { refresh: true }) },
);
mountEffort({ panel: $("effort-panel"), select: $("effort-select") }, (reasoningEffort) =>
  update({ reasoningEffort }),
);
mountAgents(
  { panel: $("agent-panel"), select: $("agent-select"), description: $("agent-description") },
  (agent) => update({ agent }),
);
mountConversation($("conversation"), { onRetry: retry });
mountComposer(
  {
    form: $("composer"),
    prompt: $("prompt"),
    send: $("send"),
    stop: $("stop"),
    note: $("composer-note"),
    attach: $("attach"),
    fileInput: $("attach-input"),
    tray: $("draft"),
    dropZone: $("chat"),
  },
  { onSend: send, onStop: stop },
);
subscribe(renderCurrentChoice);
wireLayout();
update();
load();

/** Load providers and agents, list every provider's models, and pick the provider. */
async function load() {
  let providers, agents;
  try {
    [providers, agents] = await Promise.all([getJSON("/providers"), getJSON("/agents")]);
  } catch (error) {
    showLoadError(error);
    return;
  }
  useHostLimits(agents.limits);
  const list = providers.providers.map((p) => ({ ...p, notice: null, default_model: null }));
  const agent = agents.agents.some((a) => a.id === state.agent) ? state.agent : agents.default_agent;
  const remembered = list.some((p) => p.id === state.provider);
  update({ providers: list, agents: agents.agents, agent, provider: remembered ? state.provider : null });
  // One request per provider: each list shows as soon as it arrives, and a slow provider
  // delays only itself.
  for (const provider of list) loadModels(provider.id);
  if (remembered) return;
  const ready = list.filter((p) => p.state === "ready");
  const pick = ready.find((p) => p.id === providers.default_provider) || ready[0] || list[0];
  update({ provider: pick?.id ?? null });
}

/** GET /models/{provider}: one provider's models (re-listed upstream when `refresh`).
 * Returns the host's answer, or null when the request failed. */
async function loadModels(providerId, { refresh = false } = {}) {
  if (!providerId) return null;
  update({ models: { ...state.models, [providerId]: { ...state.models[providerId], status: "loading" } } });
  try {
    const query = refresh ? "?refresh=true" : "";
    const document = await getJSON(`/models/${encodeURIComponent(providerId)}${query}`);
    storeListing(document.providers[0], document.models);
    return document;
  } catch (error) {
    update({
      models: {
        ...state.models,
        [providerId]: { status: "error", list: [], error: error.message, hint: error.hint || null },
      },
    });
    return null;
  }
}

/** Record a provider's listing and make sure a model is chosen for it. */
function storeListing(listing, models) {
  const providers = state.providers.map((p) =>
    p.id === listing.id ? { ...p, notice: listing.notice, default_model: listing.default_model } : p,
  );
  const entry =
    listing.state === "ready"
      ? { status: "ready", list: models }
      : { status: "error", list: [], error: listing.error, hint: listing.hint };
  const modelByProvider = { ...state.modelByProvider };
  const chosen = modelByProvider[listing.id];
  if (listing.state === "ready" && !models.some((m) => m.id === chosen)) {
    const fallback =
      models.find((m) => m.id === listing.default_model) || models.find((m) => m.available !== false);
    modelByProvider[listing.id] = fallback?.id ?? listing.default_model ?? null;
  }
  update({ providers, models: { ...state.models, [listing.id]: entry }, modelByProvider });
}

function chooseProvider(providerId) {
  update({ provider: providerId });
  const listing = state.models[providerId];
  if (!listing || listing.status === "error") loadModels(providerId);
}

function chooseModel(modelId) {
  update({ modelByProvider: { ...state.modelByProvider, [state.provider]: modelId } });
  closeSidebarOnNarrow();
}

function showLoadError(error) {
  const { title, advice } = explain(error instanceof HttpError ? error.code : "network_error");
  $("provider-list").replaceChildren(
    el(
      "div",
      { class: "notice warning", role: "alert" },
      el("strong", {}, title),
      el("p", {}, sentence(error.message)),
      el("p", {}, advice),
      el("button", { type: "button", class: "button", id: "reload" }, "Try again"),
    ),
  );
  $("reload").addEventListener("click", load);
}

/** The top bar's summary of the current choice. */
function renderCurrentChoice() {
  const provider = currentProvider();
  const holder = $("current-choice");
  const text = provider ? [provider.name, currentModel()].filter(Boolean).join(" · ") : "No provider";
  if (holder.dataset.text === text) return;
  holder.dataset.text = text;
  holder.replaceChildren(
    providerIcon(provider?.id),
    el("span", { class: "choice-text" }, text),
  );
}

/** Ask for the host's API key in a dialog; resolves to the key, or null when dismissed. */
function askForKey(reason) {
  const dialog = $("key-dialog");
  const input = $("key-input");
  $("key-reason").textContent =
    reason || "This AgentKit host requires an API key (its AGENTKIT_API_KEY setting).";
  input.value = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve(dialog.returnValue === "save" && input.value ? input.value : null),
      { once: true },
    );
    dialog.returnValue = "";
    dialog.showModal();
  });
}

/** New chat, the narrow-screen drawer, and Escape to close it. */
function wireLayout() {
  const app = document.querySelector(".app");
  const open = $("open-sidebar");
  $("new-chat").addEventListener("click", () => {
    newChat();
    $("prompt").focus();
  });
  open.addEventListener("click", () => {
    app.classList.add("sidebar-open");
    open.setAttribute("aria-expanded", "true");
    $("sidebar").querySelector("input:checked, input, button")?.focus();
  });
  $("close-sidebar").addEventListener("click", closeSidebar);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && app.classList.contains("sidebar-open")) closeSidebar();
  });
}

function closeSidebar() {
  document.querySelector(".app").classList.remove("sidebar-open");
  $("open-sidebar").setAttribute("aria-expanded", "false");
  $("open-sidebar").focus();
}

function closeSidebarOnNarrow() {
  if (document.querySelector(".app").classList.contains("sidebar-open")) closeSidebar();
}
