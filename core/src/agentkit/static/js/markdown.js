// A small, safe Markdown renderer for model output.
//
// It builds DOM nodes and only ever sets text through textContent, so nothing the model writes
// can become HTML: `<script>` stays the eight characters it is. Supported: fenced code blocks,
// headings, lists, block quotes, rules, paragraphs, inline code, bold, italic and http(s) links.
// An unclosed code fence (an answer still streaming) renders as a code block so far.

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w.+#-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

const INLINE = new RegExp(
  [
    "(`+)([^`]|[^`][\\s\\S]*?[^`])\\1(?!`)", // 1-2: `code`
    "\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*", // 3: **bold**
    "__(?=\\S)([\\s\\S]*?\\S)__", // 4: __bold__
    "\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*", // 5: *italic*
    "(?<![\\w])_(?=[^\\s_])([\\s\\S]*?[^\\s_])_(?![\\w])", // 6: _italic_
    "\\[([^\\]\\n]+)\\]\\(([^()\\s]+)\\)", // 7-8: [text](url)
    "(https?:\\/\\/[^\\s<>()]*[^\\s<>().,;:!?'\"])", // 9: bare URL
  ].join("|"),
);

/** Render `text` as Markdown into a DocumentFragment. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(FENCE);
    if (fence) {
      const closing = new RegExp(`^\\s{0,3}${fence[1][0]}{${fence[1].length},}\\s*$`);
      const code = [];
      i += 1;
      while (i < lines.length && !closing.test(lines[i])) code.push(lines[i++]);
      i += 1; // the closing fence
      fragment.append(codeBlock(code.join("\n"), fence[2]));
    } else if (!line.trim()) {
      i += 1;
    } else if (HEADING.test(line)) {
      const [, hashes, title] = line.match(HEADING);
      // Model headings sit inside a message: render them small (h3..h6), never as page titles.
      fragment.append(element(`h${Math.min(6, hashes.length + 2)}`, inline(title)));
      i += 1;
    } else if (RULE.test(line)) {
      fragment.append(document.createElement("hr"));
      i += 1;
    } else if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(lines[i++].match(QUOTE)[1]);
      fragment.append(element("blockquote", renderMarkdown(quoted.join("\n"))));
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      const ordered = !BULLET.test(line);
      const pattern = ordered ? NUMBERED : BULLET;
      const list = document.createElement(ordered ? "ol" : "ul");
      if (ordered && line.match(NUMBERED)[1] !== "1") list.start = Number(line.match(NUMBERED)[1]);
      while (i < lines.length && pattern.test(lines[i])) {
        const item = [lines[i].match(pattern).at(-1)];
        i += 1;
        // Indented lines continue the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !pattern.test(lines[i])) {
          item.push(lines[i++].trim());
        }
        list.append(element("li", inline(item.join("\n"))));
      }
      fragment.append(list);
    } else {
      const paragraph = [];
      while (i < lines.length && lines[i].trim() && !startsBlock(lines[i])) paragraph.push(lines[i++]);
      fragment.append(element("p", inline(paragraph.join("\n"))));
    }
  }
  return fragment;
}

function startsBlock(line) {
  return [FENCE, HEADING, RULE, QUOTE, BULLET, NUMBERED].some((pattern) => pattern.test(line));
}

function codeBlock(code, language) {
  const wrapper = document.createElement("div");
  wrapper.className = "code-block";
  const bar = document.createElement("div");
  bar.className = "code-bar";
  bar.append(element("span", document.createTextNode(language || "text")));
  const copy = document.createElement("button");
  copy.type = "button";
  copy.className = "copy-code";
  copy.textContent = "Copy";
  copy.setAttribute("aria-label", "Copy code");
  bar.append(copy);
  const pre = document.createElement("pre");
  const codeElement = document.createElement("code");
  if (language) codeElement.dataset.language = language;
  codeElement.textContent = code;
  pre.append(codeElement);
  wrapper.append(bar, pre);
  return wrapper;
}

/** Inline Markdown as a DocumentFragment: code, emphasis, links, line breaks. */
function inline(text) {
  const fragment = document.createDocumentFragment();
  let rest = text;
  while (rest) {
    const match = rest.match(INLINE);
    if (!match) {
      appendText(fragment, rest);
      break;
    }
    appendText(fragment, rest.slice(0, match.index));
    rest = rest.slice(match.index + match[0].length);
    const [, , code, bold1, bold2, italic1, italic2, label, href, bare] = match;
    if (code !== undefined) {
      const trimmed = /^ .* $/.test(code) ? code.slice(1, -1) : code;
      fragment.append(element("code", document.createTextNode(trimmed)));
    } else if (bold1 !== undefined || bold2 !== undefined) {
      fragment.append(element("strong", inline(bold1 ?? bold2)));
    } else if (italic1 !== undefined || italic2 !== undefined) {
      fragment.append(element("em", inline(italic1 ?? italic2)));
    } else if (label !== undefined) {
      fragment.append(link(href, inline(label), match[0]));
    } else {
      fragment.append(link(bare, document.createTextNode(bare), bare));
    }
  }
  return fragment;
}

/** A link that opens in a new tab, only for http(s) and mailto; anything else stays text. */
function link(href, content, original) {
  let url;
  try {
    url = new URL(href, "http://invalid.invalid/");
  } catch {
    return document.createTextNode(original);
  }
  if (!["http:", "https:", "mailto:"].includes(url.protocol) || url.host === "invalid.invalid") {
    return document.createTextNode(original);
  }
  const anchor = element("a", content);
  anchor.href = url.href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  return anchor;
}

/** Text with its newlines as <br>. */
function appendText(parent, text) {
  text.split("\n").forEach((part, index) => {
    if (index) parent.append(document.createElement("br"));
    if (part) parent.append(document.createTextNode(part));
  });
}

function element(tag, child) {
  const node = document.createElement(tag);
  node.append(child);
  return node;
}
