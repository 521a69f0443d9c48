// The provider selector: every installed provider with its icon, name and state.
//
// Providers that are unconfigured or in error stay in the list, greyed, with the reason and what
// to set; they can still be selected so their guidance shows next to the model list.

import { el, sentence } from "./dom.js";
import { providerIcon } from "./icons.js";
import { state, subscribe } from "./state.js";

const STATE_LABELS = { ready: "Ready", unconfigured: "Not configured", error: "Error" };

/** Render the provider list into `container`; `onChoose(id)` runs when the person picks one. */
export function mountProviders(container, onChoose) {
  let rendered = "";
  container.addEventListener("change", (event) => {
    if (event.target.name === "provider") onChoose(event.target.value);
  });
  subscribe(render);

  function render() {
    const signature = JSON.stringify([state.providers, state.provider, listings()]);
    if (signature === rendered || !state.providers.length) return;
    rendered = signature;
    const focused = container.contains(document.activeElement) && document.activeElement.value;
    container.replaceChildren(...state.providers.map(option));
    container.removeAttribute("aria-busy");
    if (focused) container.querySelector(`input[value="${CSS.escape(focused)}"]`)?.focus();
  }
}

function listings() {
  return Object.entries(state.models).map(([id, l]) => [id, l.status, l.list?.length, l.error]);
}

/** The provider as the person should see it: its own state, or its listing's failure. */
function effective(provider) {
  const listing = state.models[provider.id];
  if (provider.state === "ready" && listing?.status === "error") {
    return { state: "error", summary: "Cannot list models", reason: [listing.error, listing.hint] };
  }
  if (provider.state === "ready") {
    const count = listing?.list?.length;
    const models = count === undefined ? "" : ` · ${count} model${count === 1 ? "" : "s"}`;
    return { state: "ready", summary: `Ready${models}`, reason: [] };
  }
  return {
    state: provider.state,
    summary: STATE_LABELS[provider.state] || provider.state,
    reason: [provider.error, provider.hint],
  };
}

function option(provider) {
  const shown = effective(provider);
  const statusId = `provider-${provider.id}-status`;
  const reason = shown.reason.filter(Boolean).map(sentence).join(" ");
  return el(
    "label",
    { class: `provider-option state-${shown.state}`, "data-provider": provider.id },
    el("input", {
      type: "radio",
      name: "provider",
      value: provider.id,
      checked: provider.id === state.provider,
      "aria-label": provider.name,
      "aria-describedby": reason ? `${statusId} ${statusId}-reason` : statusId,
    }),
    providerIcon(provider.id),
    el(
      "span",
      { class: "provider-text" },
      el("span", { class: "provider-name" }, provider.name),
      el(
        "span",
        { class: "provider-state", id: statusId },
        el("span", { class: "state-dot", "aria-hidden": "true" }),
        shown.summary,
      ),
      reason ? el("span", { class: "provider-reason", id: `${statusId}-reason` }, reason) : null,
    ),
  );
}
