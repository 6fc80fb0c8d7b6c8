/**
 * Allure 3 settings for `npm run report` (scripts/report.ts passes the folders): one self-contained
 * HTML file that opens from disk or a CI artifact, tests grouped by provider (epic), then check
 * family (feature).
 */
import type { AllureConfig } from 'allure';

// The Allure command loads its configuration through the module's default export.
export default {
  name: 'authconform conformance',
  // Labels every test carries that say nothing to a reader of this report.
  hideLabels: [/^_/, 'titlePath', 'package', 'language', 'framework', 'thread', 'host'],
  // The `outcome` label (src/report/describe-test.ts) sorts what went wrong; the first match wins.
  categories: [
    { name: 'Broken runs (the target could not be judged)', matchers: { statuses: ['broken'] } },
    { name: 'Known breaches (expected failures of a third-party server, with the reason)', matchers: { labels: { outcome: '^known breach$' } } },
    { name: 'Security findings', matchers: { statuses: ['failed'], labels: { outcome: '^security finding$' } } },
    { name: 'Product findings', matchers: { statuses: ['failed'] } },
    { name: 'Skipped MUST checks', matchers: { statuses: ['skipped'], labels: { severity: '^critical$' } } },
  ],
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportName: 'authconform conformance',
        reportLanguage: 'en',
        groupBy: ['epic', 'feature'],
      },
    },
  },
} satisfies AllureConfig;
