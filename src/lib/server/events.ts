/**
 * In-process notifications between domains that must not import each other: the catalog says
 * "something changed", the search index listens. (Changes made by other processes, such as the
 * import CLI, are caught by the search module's fingerprint check instead.)
 */
type Listener = () => void;
const listeners = new Set<Listener>();

/** Registers a listener for catalog changes. */
export function onCatalogChanged(fn: Listener): void {
	listeners.add(fn);
}

/** Announces that records, files or access levels changed (call after the transaction commits). */
export function catalogChanged(): void {
	for (const fn of listeners) fn();
}
