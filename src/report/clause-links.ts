/**
 * Links for the clauses a rule cites. A rule's source is either a quoted sentence of the provider's
 * document or an RFC clause ("RFC 8725 §2.1 and §3.1: …"); RFC citations become links to the RFC
 * Editor's section anchors, so a reader goes from a failed check to the text it enforces in one click.
 */
export interface ClauseLink {
  /** What the link says, e.g. "RFC 8725 §2.1". */
  readonly name: string;
  readonly url: string;
}

const RFC = /\bRFC\s?(\d{3,5})/g;
const SECTION = /§\s?(\d+(?:\.\d+)*)/g;

/** RFC clauses cited in a rule's source, in order, without duplicates. A bare `§x` belongs to the RFC named before it. */
export function rfcLinks(source: string): ClauseLink[] {
  const out = new Map<string, ClauseLink>();
  const mentions = [...source.matchAll(RFC)];
  mentions.forEach((m, i) => {
    const rfc = m[1] ?? '';
    const from = (m.index ?? 0) + m[0].length;
    const to = mentions[i + 1]?.index ?? source.length;
    const sections = [...source.slice(from, to).matchAll(SECTION)].map((s) => s[1] ?? '');
    if (!sections.length) {
      out.set(`RFC ${rfc}`, { name: `RFC ${rfc}`, url: `https://www.rfc-editor.org/rfc/rfc${rfc}` });
    }
    for (const section of sections) {
      const name = `RFC ${rfc} §${section}`;
      out.set(name, { name, url: `https://www.rfc-editor.org/rfc/rfc${rfc}#section-${section}` });
    }
  });
  return [...out.values()];
}

/** Whether a rule is cited from an RFC rather than from the provider's document. */
export function citesRfc(source: string): boolean {
  return /^\s*RFC\s?\d/.test(source);
}
