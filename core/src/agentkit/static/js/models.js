// The model selector: the selected provider's models with size and capabilities, a filter for
// long lists, a refresh action, and the provider's guidance when it cannot list or chat.

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
  const capabilities = model.capabilities || [];
  const factsId = `model-${model.id.replace(/[^\w-]/g, "_")}-facts`;
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
        capabilities.map((capability) => el("span", { class: "chip" }, capability)),
        model.available === false
          ? el("span", { class: "chip muted" }, model.details?.note || "unavailable")
          : null,
      ),
    ),
  );
}
