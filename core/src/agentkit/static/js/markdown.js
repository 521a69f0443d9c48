// Model output as safe Markdown: GitHub Flavored Markdown (tables, task lists, strikethrough,
// autolinks) parsed by marked, code highlighted by highlight.js, the result sanitised by DOMPurify.
// The libraries are vendored in ../vendor (see its README).
//
// Nothing a model writes can run script, by two independent layers:
// 1. The renderer never passes the model's own HTML through: raw HTML shows as the text it is
//    (`<script>` stays those eight characters), links are kept only for absolute http(s) and
//    mailto URLs, and images become links (loading a URL a model chose would let a prompt
//    injection send the conversation to any server, in the image's address).
// 2. DOMPurify then keeps only the elements and attributes this renderer produces, with URLs
//    limited to the same schemes, so a flaw in the parser or the highlighter cannot add a script,
//    an event handler or a javascript: URL either.
// The copy buttons and table wrappers are added after sanitising, by this page's own code.
// An unclosed code fence (an answer still streaming) renders as a code block so far.

import DOMPurify from "../vendor/dompurify/purify.es.mjs";
import hljs from "../vendor/highlight/highlight.min.js";
import { Marked } from "../vendor/marked/marked.esm.js";

const LINK_SCHEMES = ["http:", "https:", "mailto:"];

const marked = new Marked({
  gfm: true,
  breaks: true, // a model's single line breaks are meant as breaks
  renderer: {
    html({ text, block }) {
      const shown = escapeHtml(block ? text.trim() : text).replace(/\n/g, "<br>");
      return block ? `<p>${shown}</p>\n` : shown;
    },
    heading({ tokens, depth }) {
      // Model headings sit inside a message: render them small (h3..h6), never as page titles.
      const level = Math.min(6, depth + 2);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
    link({ href, title, tokens, raw }) {
      const url = absoluteUrl(href);
      if (!url) return escapeHtml(raw);
      const titled = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(url)}"${titled}>${this.parser.parseInline(tokens)}</a>`;
    },
    image({ href, text, raw }) {
      const url = absoluteUrl(href);
      if (!url || url.startsWith("mailto:")) return escapeHtml(raw);
      return `<a href="${escapeHtml(url)}" class="image-link">${escapeHtml(text || url)}</a>`;
    },
    code({ text, lang }) {
      const language = (lang || "").match(/^\S*/)[0];
      const known = language && hljs.getLanguage(language);
      const body = known
        ? hljs.highlight(text, { language, ignoreIllegals: true }).value
        : escapeHtml(text);
      const name = escapeHtml(language || "text");
      return `<pre><code class="hljs language-${name}">${body}</code></pre>\n`;
    },
  },
});

const purifier = DOMPurify(window);
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
  if (node.tagName === "INPUT") node.setAttribute("disabled", ""); // task list boxes only show
});
const SANITISE = {
  ALLOWED_TAGS: [
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "input", "li",
    "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
  ],
  ALLOWED_ATTR: ["href", "title", "class", "align", "start", "type", "checked", "disabled"],
  // DOMPurify checks every attribute value it does not know as URL-safe against this: DOMPurify's
  // own default with only the http(s) and mailto schemes left (values without a scheme, such as
  // align="right", pass; the renderer never emits a relative link).
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** Render `text` as Markdown into a DocumentFragment. */
export function renderMarkdown(text) {
  const fragment = purifier.sanitize(marked.parse(text), SANITISE);
  for (const box of fragment.querySelectorAll("input")) {
    if (box.type !== "checkbox") box.remove();
  }
  for (const table of fragment.querySelectorAll("table")) wrap(table, "table-wrap");
  for (const pre of fragment.querySelectorAll("pre")) codeBlock(pre);
  return fragment;
}

/** `href` as an absolute http(s) or mailto URL, or null (relative and other schemes). */
function absoluteUrl(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  return LINK_SCHEMES.includes(url.protocol) ? url.href : null;
}

/** Put a code block in a frame with its language and a Copy button. */
function codeBlock(pre) {
  const code = pre.querySelector("code");
  const language = code?.className.match(/language-(\S+)/)?.[1] || "text";
  const wrapper = wrap(pre, "code-block");
  const bar = document.createElement("div");
  bar.className = "code-bar";
  const label = document.createElement("span");
  label.textContent = language;
  const copy = document.createElement("button");
  copy.type = "button";
  copy.className = "copy-code";
  copy.textContent = "Copy";
  copy.setAttribute("aria-label", "Copy code");
  bar.append(label, copy);
  wrapper.prepend(bar);
}

function wrap(node, className) {
  const wrapper = document.createElement("div");
  wrapper.className = className;
  node.replaceWith(wrapper);
  wrapper.append(node);
  return wrapper;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
