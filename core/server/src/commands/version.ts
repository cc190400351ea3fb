import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version of @passmint/server (dist/commands and src/commands both sit two levels below the package root). */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
