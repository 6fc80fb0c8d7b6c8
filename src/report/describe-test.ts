/**
 * Describes a running conformance test for the reports: annotations the conformance matrix reads back
 * (provider, document, target) and Allure's labels, links, parameters and description. Both travel
 * with the test result (annotations, and allure-js-commons' runtime messages, which are attachments),
 * so a report merged from shard blobs carries them too.
 */
import type { TestInfo } from '@playwright/test';
import * as allure from 'allure-js-commons';
import type { Contract } from '../contract/model.js';
import type { Check } from '../checks/check.js';
import type { Target } from '../checks/context.js';
import { allureMetadata } from './allure-metadata.js';
import { ANNOTATION } from './annotations.js';

/** How a test's outcome is classed in Allure's categories (scripts/allurerc.ts), as its `outcome` label. */
/** `known breach`: a finding the target's server is known for, an expected failure that Allure shows as passed. */
export type OutcomeLabel = 'security finding' | 'product finding' | 'broken' | 'known breach';
export const OUTCOME_LABEL = 'outcome';

/** Labels a test's outcome for Allure: its categories, and the broken status (allure-outcomes.ts). */
export async function labelOutcome(outcome: OutcomeLabel): Promise<void> {
  await allure.label(OUTCOME_LABEL, outcome);
}

export async function describeTest(testInfo: TestInfo, check: Check, contract: Contract, target: Target): Promise<void> {
  testInfo.annotations.push(
    { type: ANNOTATION.provider, description: contract.provider },
    { type: ANNOTATION.document, description: contract.document.title },
    ...(contract.document.url ? [{ type: ANNOTATION.documentUrl, description: contract.document.url }] : []),
    { type: ANNOTATION.target, description: `${target.kind} ${target.baseUrl}` },
  );
  const meta = allureMetadata(check, contract, target);
  await allure.labels(...meta.labels);
  if (meta.links.length) await allure.links(...meta.links);
  for (const p of meta.parameters) await allure.parameter(p.name, p.value, p.excluded ? { excluded: true } : undefined);
  await allure.description(meta.description);
}
