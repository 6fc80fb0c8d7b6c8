/** The folder every report is written under, relative to the project root. */
export const REPORTS_ROOT = 'reports';

/** Where each report goes, relative to the project root; the config, the reporters and `npm run report` agree through this. */
export const REPORT_PATHS = {
  playwright: 'reports/playwright',
  allureResults: 'reports/allure-results',
  allureReport: 'reports/allure-report',
  conformance: 'reports/conformance',
  junit: 'reports/junit.xml',
} as const;
