// The project name of a PEP 508 requirement line, normalised as PEP 503 says (case and -_. folded).

/** `Flask_SQLAlchemy[extra]>=2` → `flask-sqlalchemy`; undefined for option lines (`--index-url …`) and URLs. */
export function requirementName(requirement: string): string | undefined {
  const trimmed = requirement.trim();
  if (trimmed.startsWith('-') || /^[a-z+]+:\/\//i.test(trimmed)) return undefined;
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(trimmed);
  return match?.[1] === undefined ? undefined : normaliseName(match[1]);
}

/** PEP 503: `Flask_SQLAlchemy` → `flask-sqlalchemy`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
