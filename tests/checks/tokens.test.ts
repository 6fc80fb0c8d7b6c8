import { tokensChecks } from '../../src/checks/tokens.js';
import { familyTests } from './family-cases.js';

familyTests(tokensChecks, {
  'tokens.list': { seeds: ['private-tokens'], rule: /tokens\.list/ },
  'tokens.rotate': { seeds: ['private-tokens'], rule: /rotated-out private token.*errors\.(revoked|invalid)/ },
});
