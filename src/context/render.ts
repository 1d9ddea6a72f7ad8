// Fills `{{NAME}}` placeholders of the Containerfile templates.

/** Replaces every `{{NAME}}`; throws naming any placeholder left without a value, so no template half-renders. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const rendered = template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) missing.add(name);
    return value ?? placeholder;
  });
  if (missing.size > 0) throw new Error(`the template needs values for ${[...missing].join(', ')}`);
  return rendered;
}
