// Preload for the end-to-end tests on machines where a small tmpfs cannot be
// mounted (`node --import ./fs-faults.mjs`): makes writes under a path fail
// the way a full disk (ENOSPC) or a read-only file system (EROFS) fails them.
// TRAINKIT_TEST_FS_FAULT="ENOSPC:/abs/prefix". mkdir succeeds for ENOSPC (a
// full disk still has inodes for directories), file writes fail. With
// TRAINKIT_TEST_FS_BUDGET=<bytes> (ENOSPC only), a disk that fills up: writes
// under the prefix succeed until that many bytes were written (deletions free
// nothing), then fail.
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
  const budgetText = process.env.TRAINKIT_TEST_FS_BUDGET;
  if (budgetText !== undefined && budgetText !== '') {
    installBudget(Number(budgetText), under, fault);
  } else {
    installFaults(code, under, fault, writes);
  }
  syncBuiltinESMExports();
}

/** Every write under the prefix counts against `budget` bytes; past it, ENOSPC. */
function installBudget(budget, under, fault) {
  let left = budget;
  const spend = (bytes, syscall, file) => {
    if (bytes > left) {
      left = 0;
      throw fault(syscall, file);
    }
    left -= bytes;
  };
  const size = (data) =>
    typeof data === 'string' ? Buffer.byteLength(data) : (data?.byteLength ?? 0);
  const tracked = new Map();
  const { open, writeFile } = fsp;
  fsp.open = async (file, ...rest) => {
    const handle = await open(file, ...rest);
    if (!under(file)) return handle;
    tracked.set(handle.fd, file);
    const { write, writeFile: handleWriteFile, close } = handle;
    handle.write = async (data, offset, length, ...more) => {
      spend(
        typeof data === 'string' ? size(data) : (length ?? data.byteLength - (offset ?? 0)),
        'write',
        file,
      );
      return write.call(handle, data, offset, length, ...more);
    };
    handle.writeFile = async (data, ...more) => {
      spend(size(data), 'write', file);
      return handleWriteFile.call(handle, data, ...more);
    };
    handle.close = async () => {
      tracked.delete(handle.fd);
      return close.call(handle);
    };
    return handle;
  };
  fsp.writeFile = async (file, data, ...rest) => {
    if (under(file)) spend(size(data), 'write', file);
    return writeFile(file, data, ...rest);
  };
  const { writeSync, writeFileSync } = fs;
  fs.writeSync = (fd, data, offset, length, ...rest) => {
    if (tracked.has(fd)) {
      spend(
        typeof data === 'string' ? size(data) : (length ?? data.byteLength - (offset ?? 0)),
        'write',
        tracked.get(fd),
      );
    }
    return writeSync(fd, data, offset, length, ...rest);
  };
  fs.writeFileSync = (file, data, ...rest) => {
    if (under(file)) spend(size(data), 'write', file);
    return writeFileSync(file, data, ...rest);
  };
}

/** Every write under the prefix fails with `code` (mkdir too, except for ENOSPC). */
function installFaults(code, under, fault, writes) {
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
}
