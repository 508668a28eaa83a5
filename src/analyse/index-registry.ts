/**
 * Index name → table name, with the reverse lookup (a table's indexes) kept up to date beside it.
 * DROP TABLE, REINDEX TABLE and table renames ask for a table's indexes; scanning every index of
 * the schema for each of them was quadratic over a long history.
 */
export class IndexRegistry {
  private readonly tableOf = new Map<string, string>();
  private readonly byTable = new Map<string, Set<string>>();
  /** When each index name was registered: tables list their indexes in that order. */
  private readonly order = new Map<string, number>();
  private registered = 0;

  /** Table of the index, by the index's qualified name. */
  get(index: string): string | undefined {
    return this.tableOf.get(index);
  }

  /** Register the index on the table (an existing name moves to the table, keeping its place). */
  set(index: string, table: string): void {
    const previous = this.tableOf.get(index);
    if (previous === undefined) this.order.set(index, this.registered++);
    else if (previous !== table) this.byTable.get(previous)?.delete(index);
    this.tableOf.set(index, table);
    let indexes = this.byTable.get(table);
    if (!indexes) this.byTable.set(table, (indexes = new Set()));
    indexes.add(index);
  }

  delete(index: string): void {
    const table = this.tableOf.get(index);
    if (table === undefined) return;
    this.tableOf.delete(index);
    this.order.delete(index);
    this.byTable.get(table)?.delete(index);
  }

  /** The table's indexes, in the order they were registered. */
  of(table: string): string[] {
    const indexes = this.byTable.get(table);
    if (!indexes || indexes.size === 0) return [];
    const found = [...indexes];
    // A name that moved here from another table keeps its original place.
    if (found.length > 1) found.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    return found;
  }
}
