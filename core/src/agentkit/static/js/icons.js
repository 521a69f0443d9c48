// One small inline SVG per known provider, and a generic one for any other provider.
//
// The markup below is the page's own constant text, never data from the host or a model.

const ICONS = {
  ollama: `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8 9V4.5a1.5 1.5 0 0 1 3 0V8m2 0V4.5a1.5 1.5 0 0 1 3 0V9" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/><path d="M6.5 21v-6.5a5.5 5.5 0 0 1 11 0V21" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/><circle cx="10" cy="13.5" r="1" fill="currentColor"/><circle cx="14" cy="13.5" r="1" fill="currentColor"/><ellipse cx="12" cy="17" rx="2.2" ry="1.5" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>`,
  gemini: `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2c.6 5.3 4.7 9.4 10 10-5.3.6-9.4 4.7-10 10-.6-5.3-4.7-9.4-10-10 5.3-.6 9.4-4.7 10-10z" fill="#4285f4"/></svg>`,
  "azure-openai": `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9.6 3h4.8l6.6 18h-4.4l-1.5-4.3H8.9L7.4 21H3z" fill="#0078d4"/><path d="M10.2 13.2h3.6L12 8z" fill="#fff"/></svg>`,
};

const GENERIC = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 3v5M15 3v5M6 8h12v3a6 6 0 0 1-12 0zM12 17v4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** A new element holding the provider's icon. */
export function providerIcon(providerId) {
  const holder = document.createElement("span");
  holder.className = "provider-icon";
  holder.innerHTML = ICONS[providerId] || GENERIC;
  return holder;
}
