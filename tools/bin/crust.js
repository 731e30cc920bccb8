#!/usr/bin/env node
// The crust CLI; the TypeScript sources are in tools/src (built by `npm install`).
import { main } from "../dist/src/cli.js";
main(process.argv.slice(2)).then((code) => process.exit(code));
