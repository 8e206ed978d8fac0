// `npm run docs:zh`: the same as `npm run docs` (scripts/gen-docs.ts), which writes the Chinese pages with the English ones.
import './gen-docs.js';
