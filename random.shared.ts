import { createRandom } from '@trainkit/stats';

/**
 * Seeded random numbers for tests (shared by the packages' test helpers; never published).
 *
 * ```ts
 * import { gaussian, seededRandom } from '../../../random.shared';
 * const noise = gaussian(seededRandom(7));
 * ```
 */

/** Seeded uniform numbers in [0, 1) from @trainkit/stats' PCG32. */
export function seededRandom(seed: number): () => number {
  const random = createRandom({ seed });
  return () => random.nextFloat();
}

/** Standard normal samples (Box-Muller) from a uniform source. */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
