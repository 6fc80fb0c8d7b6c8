/** The tag that ties a test to its provider's project (a project greps for it). */
export function specTag(id: string): string {
  return `${specTagPrefix()}${id}`;
}

/** What every spec tag starts with; reports read the provider id back after it. */
export function specTagPrefix(): string {
  return '@spec:';
}

export function specGrep(id: string): RegExp {
  return new RegExp(`${specTag(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
}
