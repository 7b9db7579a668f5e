/**
 * `items.at(index)` for a test that counts on it being there: fails the test, naming the
 * length it found, instead of handing on `undefined`.
 */
export function itemAt<T>(items: readonly T[], index: number): T {
  const item = items.at(index);
  if (item === undefined) {
    throw new Error(`expected an item at ${index}, found ${items.length} items`);
  }
  return item;
}
