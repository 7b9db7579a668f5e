import { registerTsConfigPaths } from '@nx/js/internal';
import { join } from 'node:path';

/*
 * Global setup and teardown run outside Jest's module system, so workspace libraries
 * (@chat/test-harness) resolve only once the base tsconfig's paths are registered.
 */
registerTsConfigPaths(join(__dirname, '../../../../tsconfig.base.json'));
