// Child process of data-at-rest.test.ts: creates (or reads) the generated key of the data
// folder given as argument and prints it, so the test can race several processes.
import { loadOrCreateLocalKey } from '../../src/integrations/secret-box.ts';
import { createLogger } from '../../src/log.ts';

const dir = process.argv[2] ?? '';
console.log(loadOrCreateLocalKey(dir, createLogger('silent')).toString('base64'));
