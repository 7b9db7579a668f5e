import { WORKSPACE_ROOT } from '@chat/test-harness';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const COPY = join(WORKSPACE_ROOT, 'docs/contract.md');
/** The contract's source, beside the clone in CI; a user's clone may not have it. */
const SHARED = join(WORKSPACE_ROOT, '../shared/docs/contract.md');

describe('docs/contract.md', () => {
  if (existsSync(SHARED)) {
    it('is the text of ../shared/docs/contract.md, verbatim', () => {
      expect(readFileSync(COPY, 'utf8')).toBe(readFileSync(SHARED, 'utf8'));
    });
  } else {
    it.skip(`compared nothing: ${SHARED} does not exist beside this clone`, () => undefined);
  }
});
