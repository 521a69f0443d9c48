// The reasoning-effort choice: shown only when the chosen model thinks (its listing has the
// "thinking" capability), sent with each run unless left at Default.

import { EFFORTS, currentModelInfo, state, subscribe } from "./state.js";

/** Wire the effort <select> in `panel`; `onChoose(effort)` runs when the person picks one. */
export function mountEffort({ panel, select }, onChoose) {
  select.addEventListener("change", () => onChoose(select.value));
  subscribe(render);

  function render() {
    panel.hidden = !thinks(currentModelInfo());
    select.value = state.reasoningEffort;
  }
}

/** The effort to ask for in the next run, or null to leave it to the provider: a model that
 * does not think gets none, even when a choice made for another model is remembered. */
export function chosenEffort() {
  const effort = state.reasoningEffort;
  return thinks(currentModelInfo()) && EFFORTS.includes(effort) ? effort : null;
}

function thinks(model) {
  return Boolean(model?.capabilities?.includes("thinking"));
}
