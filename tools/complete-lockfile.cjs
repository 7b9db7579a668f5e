#!/usr/bin/env node
// Completes package-lock.json with the platform-specific optional packages (rollup's,
// sass-embedded's, … builds for other operating systems and CPUs) that the registry
// reachable from our machines does not serve. `npm install` there leaves them out, and
// npm 11's `npm ci` then rejects the lockfile as out of sync. Each missing entry gets the
// exact version its parent pins, `optional: true`, and the os/cpu/libc its name states, so
// `npm ci` skips it on other platforms and fetches it on its own.
//
// Run after every change to dependencies:  npm install && npm run lockfile:complete
const fs = require('node:fs');

const file = process.argv[2] || 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
];
const CPU = [
  'arm',
  'arm64',
  'ia32',
  'loong64',
  'mips64el',
  'ppc64',
  'riscv64',
  's390x',
  'wasm32',
  'x64',
];

function platformOf(name) {
  // sass-embedded's pure-JS fallbacks: any OS / any CPU without a binary package.
  if (name.endsWith('-unknown-all')) return { os: ['!android', '!darwin', '!linux', '!win32'] };
  if (name.endsWith('-all-unknown')) return { cpu: ['!arm', '!arm64', '!riscv64', '!x64'] };
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p)) || (parts.includes('eabi') ? 'arm' : undefined);
  const platform = {};
  if (os) platform.os = [os];
  if (cpu) platform.cpu = [cpu];
  if (os === 'linux' && parts.some((p) => p.startsWith('musl'))) platform.libc = ['musl'];
  else if (os === 'linux' && parts.some((p) => p.startsWith('gnu'))) platform.libc = ['glibc'];
  return platform;
}

/** Where Node would find `dep` from the package at `location`, if the lockfile has it. */
function resolveFrom(location, dep) {
  let at = location;
  for (;;) {
    const candidate = (at ? `${at}/` : '') + `node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (!at) return null;
    const i = at.lastIndexOf('/node_modules/');
    at = i < 0 ? '' : at.slice(0, i);
  }
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies || {})) {
    if (resolveFrom(location, dep)) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
      throw new Error(`${location} -> ${dep}@${version}: not an exact version`);
    }
    const at = `node_modules/${dep}`;
    if (packages[at]) throw new Error(`${at} is already locked at another version`);
    packages[at] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platformOf(dep),
    };
    added++;
  }
}

const sorted = {};
const keys = Object.keys(packages).sort((a, b) =>
  a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'),
);
for (const key of keys) sorted[key] = packages[key];
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${file}: ${added} platform-specific optional entries added`);
