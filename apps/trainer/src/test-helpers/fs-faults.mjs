// Preload for the end-to-end tests on machines where a small tmpfs cannot be
// mounted (`node --import ./fs-faults.mjs`): makes writes under a path fail
// the way a full disk (ENOSPC) or a read-only file system (EROFS) fails them.
// TRAINKIT_TEST_FS_FAULT="ENOSPC:/abs/prefix". mkdir succeeds for ENOSPC (a
// full disk still has inodes for directories), file writes fail.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const spec = process.env.TRAINKIT_TEST_FS_FAULT;
if (spec !== undefined && spec !== '') {
  const colon = spec.indexOf(':');
  const code = spec.slice(0, colon);
  const prefix = path.resolve(spec.slice(colon + 1));
  const under = (file) => typeof file === 'string' && path.resolve(file).startsWith(prefix);
  const fault = (syscall, file) =>
    Object.assign(new Error(`${code}: injected fault, ${syscall} '${file}'`), {
      code,
      syscall,
      path: file,
    });
  const writes = (flags) => typeof flags === 'string' && /[wax+]/.test(flags);
  const { mkdir, open, writeFile, link, rename } = fsp;
  fsp.mkdir = async (file, ...rest) => {
    if (under(file) && code !== 'ENOSPC') throw fault('mkdir', file);
    return mkdir(file, ...rest);
  };
  fsp.open = async (file, flags, ...rest) => {
    if (under(file) && writes(flags)) throw fault('open', file);
    return open(file, flags, ...rest);
  };
  fsp.writeFile = async (file, ...rest) => {
    if (under(file)) throw fault('open', file);
    return writeFile(file, ...rest);
  };
  fsp.link = async (from, to) => {
    if (under(to)) throw fault('link', to);
    return link(from, to);
  };
  fsp.rename = async (from, to) => {
    if (under(to)) throw fault('rename', to);
    return rename(from, to);
  };
  const { openSync, writeFileSync, mkdirSync } = fs;
  fs.openSync = (file, flags, ...rest) => {
    if (under(file) && writes(flags)) throw fault('open', file);
    return openSync(file, flags, ...rest);
  };
  fs.writeFileSync = (file, ...rest) => {
    if (under(file)) throw fault('open', file);
    return writeFileSync(file, ...rest);
  };
  fs.mkdirSync = (file, ...rest) => {
    if (under(file) && code !== 'ENOSPC') throw fault('mkdir', file);
    return mkdirSync(file, ...rest);
  };
  syncBuiltinESMExports();
}
