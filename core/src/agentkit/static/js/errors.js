// What each error code means and what the person can do about it.
//
// RUN_ERROR codes are AgentKit's stable set (docs/errors.md); the others are the host's HTTP
// error codes and the page's own (network_error, stream_cut).

const ERRORS = {
  // During a run (AG-UI RUN_ERROR).
  auth_failed: [
    "The provider rejected the credentials.",
    "Check the provider's API key or token in the host's settings, then restart the host.",
  ],
  model_not_found: [
    "The provider does not have this model.",
    "Pick another model or refresh the model list (for Ollama, pull the model first).",
  ],
  rate_limited: [
    "The provider is rate limiting requests.",
    "Wait a moment and retry, or switch to another model or provider.",
  ],
  content_filtered: [
    "The provider's content filter blocked the prompt or the answer.",
    "Rephrase your message, or try another model.",
  ],
  context_length_exceeded: [
    "The conversation is too long for this model's context window.",
    "Start a new chat, or pick a model with a larger context window.",
  ],
  upstream_unavailable: [
    "The provider could not be reached.",
    "Check that the service is running and reachable from the host, then retry.",
  ],
  upstream_timeout: [
    "The provider did not answer in time.",
    "Retry; if it keeps happening the service may be overloaded.",
  ],
  upstream_error: [
    "The provider answered with an error.",
    "Retry in a moment; if it persists, check the provider's status.",
  ],
  no_answer: [
    "The model thought but gave no answer.",
    "Retry, or pick a lower reasoning effort; its token limit may have been spent on thinking.",
  ],
  invalid_request: [
    "The request was not valid for this provider or model.",
    "Try another model, or start a new chat.",
  ],
  internal_error: ["AgentKit failed unexpectedly.", "Retry; if it persists, see the host's log."],
  // Before a run (HTTP errors from the host).
  unauthorized: [
    "This host requires an API key.",
    "Enter the host's AGENTKIT_API_KEY when asked, then retry.",
  ],
  provider_not_ready: [
    "This provider is not ready to chat.",
    "Finish its configuration (see the provider list), restart the host, then retry.",
  ],
  unknown_provider: [
    "The host has no such provider.",
    "Reload the page and pick one of the installed providers.",
  ],
  model_required: ["No model was chosen.", "Pick a model from the list, then retry."],
  agent_not_found: ["The host has no such agent.", "Reload the page and pick another agent."],
  payload_too_large: [
    "The conversation is too large to send.",
    "Every message goes with the whole conversation, attachments included: remove attachments " +
      "or start a new chat, or ask the host's admin to raise AGENTKIT_MAX_BODY_BYTES.",
  ],
  part_too_large: [
    "An attachment is larger than the host accepts.",
    "Attach a smaller file (a screenshot of the part that matters, a shorter PDF), or ask the " +
      "host's admin to raise AGENTKIT_MAX_PART_BYTES.",
  ],
  unsupported_media: [
    "The model cannot take this attachment.",
    "Remove it, or pick a model whose capabilities include it (the model list shows them).",
  ],
  invalid_body: [
    "The host rejected the request.",
    "The reason above names what it refused: change the message, its attachments or the model, " +
      "or start a new chat.",
  ],
  // The page's own.
  network_error: [
    "The AgentKit host could not be reached.",
    "Check that the host is running and your connection works, then retry.",
  ],
  stream_cut: [
    "The connection was cut before the answer finished.",
    "The partial answer is kept above. Retry to ask again.",
  ],
};

/** {title, advice} for an error code; unknown codes get a generic explanation. */
export function explain(code) {
  const [title, advice] = ERRORS[code] || [
    "Something went wrong.",
    "Retry; if it persists, see the host's log.",
  ];
  return { title, advice };
}
