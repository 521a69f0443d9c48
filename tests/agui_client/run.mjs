// Drives AgentKit with the official @ag-ui/client (HttpAgent), as an outside application would.
// Usage: node run.mjs <agent url> <json: {messages, forwardedProps, headers?}>
// Prints one JSON object: every event type seen, the text, the run error, the new messages,
// or {"failed": "..."} when the client itself rejected the run (its verifier, an HTTP error).
import { HttpAgent } from "@ag-ui/client";

const [url, spec] = process.argv.slice(2);
const { messages, forwardedProps, headers } = JSON.parse(spec);
const agent = new HttpAgent({ url, headers: headers || {}, threadId: "t1", initialMessages: messages });
const seen = { events: [], text: "", error: null };
try {
  const { newMessages } = await agent.runAgent(
    { forwardedProps },
    {
      onEvent: ({ event }) => { seen.events.push(event.type); },
      onTextMessageContentEvent: ({ event }) => { seen.text += event.delta; },
      onRunErrorEvent: ({ event }) => { seen.error = { code: event.code, message: event.message }; },
    },
  );
  seen.newMessages = newMessages;
} catch (error) {
  seen.failed = String(error && error.message ? error.message : error);
}
process.stdout.write(JSON.stringify(seen));
