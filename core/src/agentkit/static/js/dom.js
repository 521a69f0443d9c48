// A tiny helper for building DOM nodes. Strings become text nodes, never markup.

/**
 * el("p", {class: "note"}, "text", child) -> <p class="note">text{child}</p>.
 * Attributes set to null, undefined or false are left out; `true` sets an empty attribute.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** The text with its first letter in upper case ("GEMINI_API_KEY is not set" stays as is). */
export function sentence(text) {
  if (!text) return "";
  const trimmed = text.trim();
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
