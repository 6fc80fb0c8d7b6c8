/**
 * What Allure shows about one check: epic = provider, feature = check family, story = check id,
 * severity from the level (MUST → critical, SHOULD → normal), links to the provider document and to
 * any RFC clause the rule cites, the target as parameters, and the quoted rule as the description.
 * Pure, so it is tested without Playwright; `describeTest` hands it to allure-playwright.
 */
import type { Contract } from '../contract/model.js';
import type { Check, Level } from '../checks/check.js';
import type { Target } from '../checks/context.js';
import { citesRfc, rfcLinks } from './clause-links.js';
import { providerLabel } from './provider-label.js';

export interface AllureMetadata {
  readonly labels: readonly { readonly name: string; readonly value: string }[];
  readonly links: readonly { readonly url: string; readonly name: string }[];
  readonly parameters: readonly { readonly name: string; readonly value: string; readonly excluded?: boolean }[];
  /** Markdown. */
  readonly description: string;
}

export const SEVERITY: Readonly<Record<Level, string>> = { MUST: 'critical', SHOULD: 'normal' };

export function allureMetadata(check: Check, contract: Contract, target: Target): AllureMetadata {
  const source = check.source(contract);
  const links = [
    ...(contract.document.url ? [{ url: contract.document.url, name: contract.document.title }] : []),
    ...rfcLinks(source),
  ];
  const origin = citesRfc(source) ? 'Rule enforced' : `Rule enforced, quoted from “${contract.document.title}”`;
  const description = [
    `**${check.id}** (${check.level}): ${check.summary}.`,
    '',
    `${origin}:`,
    '',
    `> ${source.replace(/\n/g, '\n> ')}`,
    '',
    `Spec: \`${contract.file}\``,
  ].join('\n');
  return {
    labels: [
      { name: 'epic', value: providerLabel(contract) },
      { name: 'feature', value: check.family },
      { name: 'story', value: check.id },
      { name: 'severity', value: SEVERITY[check.level] },
    ],
    links,
    parameters: [
      { name: 'target', value: target.kind },
      // The mock listens on a new port each run: kept out of Allure's history key so runs line up.
      { name: 'base URL', value: target.baseUrl, ...(target.kind === 'mock' ? { excluded: true } : {}) },
    ],
    description,
  };
}
