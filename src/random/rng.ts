// Seeded random streams. Every draw comes from a stream keyed by what it is for, so results never depend on
// which worker did the work or in which order, and adding a new kind of draw never shifts the others.
import seedrandom from 'seedrandom';

export type Rng = () => number;

/** A uniform [0, 1) stream for a key such as `${seed}:training:3:1207:offset`. */
export function rngFor(...key: (string | number)[]): Rng {
  const prng = seedrandom.xor4096(key.join(':'));
  return () => prng.double();
}

/** A faster stream of 32-bit resolution, for bulk draws such as noise samples. */
export function bulkRngFor(...key: (string | number)[]): Rng {
  return seedrandom.xor4096(key.join(':'));
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo === hi ? lo : lo + (hi - lo) * rng();
}

/** An integer in [0, n). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** Fisher–Yates shuffle of `items` in place. */
export function shuffleInPlace<T>(items: T[] | Uint32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}
