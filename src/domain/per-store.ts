const registry = new WeakMap<object, Map<string, unknown>>();

/**
 * The one `name` of this store (a cache, the nonce ledger), made on first use. Services are built
 * more than once per store (several create their own account service), and state kept between
 * requests must be shared by all of them.
 */
export function perStore<T>(store: object, name: string, make: () => T): T {
  let named = registry.get(store);
  if (named === undefined) registry.set(store, (named = new Map()));
  if (!named.has(name)) named.set(name, make());
  return named.get(name) as T;
}
