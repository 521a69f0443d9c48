// The message box: Enter sends, Shift+Enter adds a line, Stop aborts the run in progress.

import { currentProvider, state, subscribe } from "./state.js";

/** Wire the composer form; `onSend(text)` sends a message, `onStop()` stops the run. */
export function mountComposer({ form, prompt, send, stop, note }, { onSend, onStop }) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  prompt.addEventListener("keydown", (event) => {
    // isComposing: Enter also confirms an input method's composition (Japanese, Chinese...).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  prompt.addEventListener("input", grow);
  stop.addEventListener("click", onStop);
  subscribe(render);
  render();

  function submit() {
    const text = prompt.value.trim();
    if (!text || state.running || blocker()) return;
    prompt.value = "";
    grow();
    onSend(text);
  }

  function render() {
    const running = Boolean(state.running);
    const reason = blocker();
    const stopHadFocus = document.activeElement === stop;
    send.hidden = running;
    stop.hidden = !running;
    send.disabled = Boolean(reason);
    note.textContent = reason || "";
    if (!running && stopHadFocus) prompt.focus();
  }

  /** Grow the box with its text, up to the CSS max-height. */
  function grow() {
    prompt.style.height = "auto";
    prompt.style.height = `${prompt.scrollHeight}px`;
  }
}

/** Why a message cannot be sent right now, or null. */
function blocker() {
  const provider = currentProvider();
  if (!state.providers.length) return "Waiting for the host's providers…";
  if (!provider && Object.values(state.models).some((m) => m.status === "loading")) {
    return "Loading models…";
  }
  if (!provider) return "Pick a provider to chat with.";
  if (provider.state !== "ready") {
    return `${provider.name} is not ready; pick a ready provider or finish its setup.`;
  }
  return null;
}
