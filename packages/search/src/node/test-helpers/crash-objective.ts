/** The final value of trial x in the crash-safety search (the test checks every recorded value against it). */
export function finalValue(x: number): number {
  return (x - 5.5) ** 2 / 10;
}
