// The host's HTTP API: JSON requests, the optional API key, and AG-UI runs over SSE.
//
// Everything the page does goes through these functions, so any AG-UI client can do the same.

const KEY_STORAGE = "agentkit.apiKey";

/** An error answered by the host before any stream started: {"error": {code, message, hint}}. */
export class HttpError extends Error {
  constructor(status, code, message, hint) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint || null;
  }
}

/** The host could not be reached at all, or the connection broke. */
export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.code = "network_error";
  }
}

let askForKey = async () => null;
let pendingKey = null;

/** Register how to ask the person for the API key when the host answers 401. */
export function onKeyRequired(asker) {
  askForKey = asker;
}

/** fetch() with the stored API key; on 401 asks for a key once and tries again with it. */
async function request(path, init = {}, retried = false) {
  const sentKey = localStorage.getItem(KEY_STORAGE);
  const headers = { ...init.headers };
  if (sentKey) headers.Authorization = `Bearer ${sentKey}`;
  let response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new NetworkError("Could not reach the AgentKit host.");
  }
  if (response.status === 401 && !retried) {
    if (localStorage.getItem(KEY_STORAGE) !== sentKey) return request(path, init, true);
    // Requests that fail together share one prompt.
    pendingKey ??= askForKey(sentKey ? "The saved API key was rejected." : null).finally(() => {
      pendingKey = null;
    });
    const key = await pendingKey;
    if (key) {
      localStorage.setItem(KEY_STORAGE, key);
      return request(path, init, true);
    }
  }
  if (!response.ok) throw await httpError(response);
  return response;
}

async function httpError(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: fall back to the status line below.
  }
  const error = body && body.error ? body.error : {};
  return new HttpError(
    response.status,
    error.code || `http_${response.status}`,
    error.message || `The host answered HTTP ${response.status} ${response.statusText}.`,
    error.hint,
  );
}

/** GET a JSON document from the host. */
export async function getJSON(path) {
  const response = await request(path, { headers: { Accept: "application/json" } });
  return response.json();
}

/**
 * Run an agent: POST an AG-UI RunAgentInput and yield each AG-UI event as it arrives.
 * Throws HttpError before the stream starts, NetworkError if the connection breaks,
 * and an AbortError when `signal` aborts (the host then cancels the upstream call).
 */
export async function* runAgent(agentId, input, signal) {
  const response = await request(`/chat/${encodeURIComponent(agentId)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(input),
    signal,
  });
  yield* parseSSE(response.body, signal);
}

/** The `data:` payloads of a server-sent event stream, parsed as JSON, one per event. */
export async function* parseSSE(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (true) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal && signal.aborted) throw error;
        throw new NetworkError("The connection to the host was cut.");
      }
      if (chunk.done) break;
      buffer += chunk.value;
      const events = buffer.split(/\r\n\r\n|\n\n|\r\r/);
      buffer = events.pop();
      for (const event of events) {
        const data = dataOf(event);
        if (data !== null) yield JSON.parse(data);
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const rest = dataOf(buffer);
  if (rest !== null) yield JSON.parse(rest);
}

/** The joined `data:` lines of one event block, or null when it has none (comments, ids). */
function dataOf(block) {
  const lines = block
    .split(/\r\n|\n|\r/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).replace(/^ /, ""));
  return lines.length ? lines.join("\n") : null;
}
