import { describe, expect, it } from 'vitest';
import { DistributedPeerMissingError } from '../errors';
import { loadBullmq } from './bullmq-executor';
import { importPeer, loadIoredis } from './redis-connection';

describe('optional peers of distributed search', () => {
  it('load when installed', async () => {
    expect(typeof (await loadBullmq('bullmqExecutor')).Queue).toBe('function');
    expect(typeof (await loadIoredis('connectRedis'))).toBe('function');
  });

  it('fail with a typed DistributedPeerMissingError naming the function, the peer and the install command', async () => {
    const error = await importPeer(
      'bullmqExecutor',
      'bullmq',
      () => import('@trainkit/no-such-package-for-this-test' as string),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(DistributedPeerMissingError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'DistributedPeerMissingError',
      functionName: 'bullmqExecutor',
      peer: 'bullmq',
    });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^bullmqExecutor: the distributed executor needs the optional peer dependencies bullmq and ioredis; bullmq cannot be used \(.*no-such-package-for-this-test.*\)\. Install them: npm install bullmq ioredis$/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
