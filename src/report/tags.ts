/** The tag that ties a test to its provider's project (a project greps for it). */
export function specTag(id: string): string {
  return `@spec:${id}`;
}

export function specGrep(id: string): RegExp {
  return new RegExp(`${specTag(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
}
