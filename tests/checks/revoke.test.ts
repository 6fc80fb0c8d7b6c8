import { revokeChecks } from '../../src/checks/revoke.js';
import { familyTests } from './family-cases.js';

familyTests(revokeChecks, {
  'revoke.logout': { seeds: ['vidizmo', 'basic-key-token'], rule: /after logout.*errors\.(revoked|invalid)/ },
  'revoke.token': { seeds: ['private-tokens'], rule: /after it was revoked.*errors\.(revoked|invalid)/ },
  'revoke.isolated': { seeds: ['private-tokens', 'vidizmo', 'basic-key-token'], rule: /keep working/ },
});
