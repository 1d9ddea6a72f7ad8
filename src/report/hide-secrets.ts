// Blanks secret values out of any text before it is logged, published or written.

const MASK = '[REDACTED]';

/** Returns a function that replaces every occurrence of the given secrets, and URL user info, with a mask. */
export function secretHider(secrets: readonly string[]): (text: string) => string {
  // Longest first, so a secret that contains another is masked whole.
  // A secret with a quote or backslash appears escaped in JSON (logs, payloads): mask that form too.
  const variants = secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  const ordered = [...new Set(variants)].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  const pattern = ordered.length > 0 ? new RegExp(ordered.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text) => {
    const withoutUserInfo = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, `$1${MASK}@`);
    return pattern ? withoutUserInfo.replace(pattern, MASK) : withoutUserInfo;
  };
}

/** Applies a hider to every string inside a JSON-like value. */
export function hideInValue<T>(value: T, hide: (text: string) => string): T {
  if (typeof value === 'string') return hide(value) as T;
  if (Array.isArray(value)) return value.map((item) => hideInValue(item, hide)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hideInValue(item, hide)])) as T;
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
