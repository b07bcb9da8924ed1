/** An array with O(1) add, remove and membership, and a version that changes on every edit. */
export class IndexedList<T extends { id: string }> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();
  version = 0;

  has(id: string): boolean {
    return this.index.has(id);
  }

  add(item: T): void {
    const at = this.index.get(item.id);
    if (at !== undefined) {
      this.items[at] = item;
    } else {
      this.index.set(item.id, this.items.length);
      this.items.push(item);
    }
    this.version++;
  }

  /** Swap-remove: order is not preserved, which no strategy relies on beyond a version. */
  remove(id: string): void {
    const at = this.index.get(id);
    if (at === undefined) return;
    const last = this.items.pop() as T;
    if (at < this.items.length) {
      this.items[at] = last;
      this.index.set(last.id, at);
    }
    this.index.delete(id);
    this.version++;
  }

  get size(): number {
    return this.items.length;
  }
}
