// Drives AgentKit with the official @ag-ui/client (HttpAgent), as an outside application would.
// Usage: node run.mjs <agent url> <json: {messages, forwardedProps, headers?, tools?}>
// Prints one JSON object: every event type seen, the text, the reasoning, RUN_STARTED's metadata,
// the run error, the new messages (with the encryptedValues the client keeps), every event as the
// client parsed it (all), or
// {"failed": "..."} when the client itself rejected the run (its verifier, an HTTP error).
import { HttpAgent } from "@ag-ui/client";

const [url, spec] = process.argv.slice(2);
const { messages, forwardedProps, headers, tools } = JSON.parse(spec);
const agent = new HttpAgent({ url, headers: headers || {}, threadId: "t1", initialMessages: messages });
const seen = { events: [], all: [], text: "", reasoning: "", metadata: null, error: null };
try {
  const { newMessages } = await agent.runAgent(
    { forwardedProps, tools: tools || [] },
    {
      onEvent: ({ event }) => { seen.events.push(event.type); seen.all.push(event); },
      onRunStartedEvent: ({ event }) => { seen.metadata = event.metadata ?? null; },
      onTextMessageContentEvent: ({ event }) => { seen.text += event.delta; },
      onReasoningMessageContentEvent: ({ event }) => { seen.reasoning += event.delta; },
      onRunErrorEvent: ({ event }) => { seen.error = { code: event.code, message: event.message }; },
    },
  );
  seen.newMessages = newMessages;
} catch (error) {
  seen.failed = String(error && error.message ? error.message : error);
}
process.stdout.write(JSON.stringify(seen));
