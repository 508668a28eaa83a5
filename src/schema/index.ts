/** Catalog snapshot and diff: used by the dry run's down round trip and by deploy verification. */
export { snapshotCatalog } from './snapshot';
export type { CatalogSnapshot, ColumnSnapshot, SnapshotOptions, TableSnapshot } from './snapshot';
export { diffCatalogs } from './diff';
