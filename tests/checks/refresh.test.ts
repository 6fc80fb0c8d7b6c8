import { refreshChecks } from '../../src/checks/refresh.js';
import { familyTests } from './family-cases.js';

familyTests(refreshChecks, {
  'refresh.ok': { seeds: ['vidizmo', 'basic-key-token'], rule: /refreshed token to work|\(refresh\)/ },
  'refresh.rotation': { seeds: ['vidizmo', 'basic-key-token'], rule: /refresh\.rotation/ },
  'refresh.invalid': { seeds: ['vidizmo', 'basic-key-token'], rule: /garbage.*errors\.(refreshInvalid|invalid)/ },
  'refresh.expired': { seeds: ['vidizmo', 'basic-key-token'], rule: /refresh\.expired/, needsTime: true },
  'refresh.mismatched-key': { seeds: ['basic-key-token'], rule: /of one session and the .* of another.*errors\.refreshInvalid/ },
  'refresh.rolling': { seeds: ['waldo'], rule: /rolling/, needsTime: true },
  'refresh.rolling-success-only': { seeds: ['waldo'], rule: /refused request to carry no token/ },
});
