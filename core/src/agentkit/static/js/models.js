// The model selector: the selected provider's models with their size and profile (context
// window, capabilities, each with where the fact comes from as a tooltip, and "unknown" where the
// listing has no source for it), a filter for long lists, a refresh action, and the provider's
// guidance when it cannot list or chat.

import { el, sentence } from "./dom.js";
import { currentModel, currentProvider, state, subscribe } from "./state.js";

const FILTER_FROM = 8; // show the filter box once a provider has this many models

/**
 * Render into the model panel's parts: `status` (messages), `filter` (search box), `list`.
 * `onChoose(modelId)` runs when the person picks a model, `onRefresh()` on the refresh button.
 */
export function mountModels({ status, filter, list, refresh }, { onChoose, onRefresh }) {
  let rendered = "";
  list.addEventListener("change", (event) => {
    if (event.target.name === "model") onChoose(event.target.value);
  });
  refresh.addEventListener("click", onRefresh);
  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", (event) => {
    // Enter in the filter picks the first match, like a command palette.
    if (event.key !== "Enter") return;
    event.preventDefault();
    list.querySelector(".model-option:not([hidden]) input")?.click();
  });
  subscribe(render);

  function render() {
    const provider = currentProvider();
    const listing = provider ? state.models[provider.id] : null;
    const signature = JSON.stringify([provider, listing, currentModel()]);
    if (signature === rendered) return;
    rendered = signature;

    refresh.disabled = !provider || provider.state === "unconfigured" || listing?.status === "loading";
    status.replaceChildren(...statusLines(provider, listing));
    const models = listing?.status === "ready" ? listing.list : [];
    if (!models.length) filter.value = "";
    filter.hidden = models.length < FILTER_FROM;
    const focused = list.contains(document.activeElement) && document.activeElement.value;
    list.replaceChildren(...models.map(option));
    list.setAttribute("aria-busy", String(listing?.status === "loading"));
    if (focused) list.querySelector(`input[value="${CSS.escape(focused)}"]`)?.focus();
    applyFilter();
  }

  function applyFilter() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of list.querySelectorAll(".model-option")) {
      const match = words.every((word) => item.dataset.search.includes(word));
      item.hidden = !match;
      shown += match ? 1 : 0;
    }
    list.querySelector(".no-match")?.remove();
    if (!shown && words.length) list.append(el("p", { class: "no-match muted" }, "No model matches the filter."));
  }
}

function statusLines(provider, listing) {
  if (!provider) return [];
  if (provider.state !== "ready") return [guidance(provider)];
  if (!listing || listing.status === "loading") return [el("p", { class: "muted" }, "Loading models…")];
  if (listing.status === "error") {
    return [
      el(
        "div",
        { class: "notice warning" },
        el("strong", {}, `Could not list ${provider.name}'s models.`),
        el("p", {}, [sentence(listing.error), sentence(listing.hint)].filter(Boolean).join(" ")),
        el("p", {}, "Use the refresh button to try again."),
      ),
    ];
  }
  const lines = [];
  if (provider.notice) lines.push(el("p", { class: "notice" }, provider.notice));
  if (!listing.list.length) lines.push(el("p", { class: "notice" }, `${provider.name} offers no models yet.`));
  return lines;
}

/** What to do about a provider that is unconfigured or in error. */
function guidance(provider) {
  const title =
    provider.state === "unconfigured"
      ? `${provider.name} is not configured.`
      : `${provider.name} cannot start.`;
  return el(
    "div",
    { class: "notice warning", "data-guidance": provider.id },
    el("strong", {}, title),
    provider.error ? el("p", {}, sentence(provider.error)) : null,
    provider.hint ? el("p", {}, sentence(provider.hint)) : null,
    el("p", { class: "muted" }, "Pick a ready provider to chat meanwhile."),
  );
}

function option(model) {
  const factsId = `model-${model.id.replace(/[^\w-]/g, "_")}-facts`;
  const capabilities = known(model, "capabilities") || [];
  const search = [model.id, model.name, model.size, ...capabilities].join(" ").toLowerCase();
  return el(
    "label",
    { class: `model-option${model.available === false ? " unavailable" : ""}`, "data-search": search },
    el("input", {
      type: "radio",
      name: "model",
      value: model.id,
      checked: model.id === currentModel(),
      disabled: model.available === false,
      "aria-label": model.name || model.id,
      "aria-describedby": factsId,
    }),
    el(
      "span",
      { class: "model-text" },
      el("span", { class: "model-name" }, model.name || model.id),
      model.name && model.name !== model.id ? el("span", { class: "model-id" }, model.id) : null,
      el(
        "span",
        { class: "model-facts", id: factsId },
        model.size ? el("span", { class: "model-size" }, model.size) : null,
        windowFacts(model),
        capabilityChips(model),
        model.available === false
          ? el("span", { class: "chip muted" }, model.details?.note || "unavailable")
          : null,
      ),
    ),
  );
}

/** The profile fact `name`'s value when the listing names its source, else null (unknown). */
function known(model, name) {
  return name in (model.sources || {}) ? model[name] : null;
}

/** "from Ollama /api/show", or "not known" for a fact without a source. */
function origin(model, name) {
  const source = (model.sources || {})[name];
  return source ? `from ${source}` : "not known";
}

/** Context window, the window in effect when requests get less (Ollama's num_ctx), and the
 * longest answer: "128K context  4K in effect  8K out", each with its source as the tooltip. */
function windowFacts(model) {
  const size = known(model, "context_window");
  const facts = [
    size
      ? fact(
          "context-window",
          `${tokens(size)} context`,
          `Context window: ${exact(size)} tokens, ${origin(model, "context_window")}`,
        )
      : fact("context-window", "context unknown", "Context window: not known"),
  ];
  const inEffect = model.context_in_effect ?? model.details?.num_ctx;
  const note = model.details?.context_in_effect;
  if (Number.isInteger(inEffect) && !(size && inEffect >= size)) {
    // Shown only when it says something: requests get less than the model's window.
    const source = model.sources?.context_in_effect || model.sources?.num_ctx;
    const from = source ? `, from ${source}` : "";
    const title = `Window requests get (num_ctx): ${exact(inEffect)} tokens${from}`;
    facts.push(fact("context-in-effect", `${tokens(inEffect)} in effect`, title));
  } else if (typeof note === "string") {
    // The provider says what applies instead of a number (Ollama: its server's default).
    facts.push(fact("context-in-effect", "server default in effect", `Window requests get: ${note}`));
  }
  const output = known(model, "max_output_tokens");
  if (output) {
    const title = `Longest answer: ${exact(output)} tokens, ${origin(model, "max_output_tokens")}`;
    facts.push(fact("max-output", `${tokens(output)} out`, title));
  }
  return el("span", { class: "model-window" }, facts);
}

function fact(className, text, title) {
  return el("span", { class: className, title }, text);
}

/** A chip per capability, its source as the tooltip; "capabilities unknown" without a source. */
function capabilityChips(model) {
  const capabilities = known(model, "capabilities");
  if (capabilities === null) {
    return fact("chip muted", "capabilities unknown", "Capabilities: not known");
  }
  const title = `Capabilities ${origin(model, "capabilities")}`;
  if (!capabilities.length) {
    // A model that cannot chat at all (an embedding model) is not "text only": its note says so.
    return model.available === false ? null : el("span", { class: "chip", title }, "text only");
  }
  return capabilities.map((capability) => el("span", { class: "chip", title }, capability));
}

/** 131072 -> "128K", 128000 -> "128K", 1048576 -> "1M", 40960 -> "40K": whole binary or decimal
 * multiples, the way model windows are quoted; other counts to one decimal. */
function tokens(count) {
  const units = [[1e6, "M"], [2 ** 20, "M"], [1e3, "K"], [2 ** 10, "K"]];
  for (const [size, unit] of units) {
    if (count >= size && count % size === 0) return `${count / size}${unit}`;
  }
  if (count >= 1e6) return `${+(count / 1e6).toFixed(1)}M`;
  if (count >= 1e3) return `${+(count / 1e3).toFixed(1)}K`;
  return String(count);
}

function exact(count) {
  return count.toLocaleString("en");
}
