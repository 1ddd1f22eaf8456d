// The tests' TypeScript loader (decision 0020): node-tap runs every test file as
// `node --import=./test/loader/register.mjs FILE`; this registers hooks.mjs.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
