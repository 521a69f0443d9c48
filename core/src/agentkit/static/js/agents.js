// The agent choice, shown only when the host registers more than one agent.

import { el } from "./dom.js";
import { state, subscribe } from "./state.js";

/** Render the agent <select> into `panel`; `onChoose(id)` runs when the person picks one. */
export function mountAgents({ panel, select, description }, onChoose) {
  let rendered = "";
  select.addEventListener("change", () => onChoose(select.value));
  subscribe(render);

  function render() {
    const signature = JSON.stringify([state.agents, state.agent]);
    if (signature === rendered) return;
    rendered = signature;
    panel.hidden = state.agents.length < 2;
    select.replaceChildren(
      ...state.agents.map((agent) =>
        el("option", { value: agent.id, selected: agent.id === state.agent }, agent.name),
      ),
    );
    const chosen = state.agents.find((agent) => agent.id === state.agent);
    description.textContent = chosen?.description || "";
  }
}
