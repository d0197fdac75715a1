import type { ListedObject, ObjectStore, SignalOption } from './object-store.js';

/** Every object under `prefix`, page by page through `store.list` (what each driver's `listAll` is). */
export async function* listAllPages(
  store: Pick<ObjectStore, 'list'>,
  prefix: string,
  options: SignalOption = {},
): AsyncIterable<ListedObject> {
  let token: string | undefined;
  do {
    const page = await store.list(prefix, { token, signal: options.signal });
    yield* page.objects;
    token = page.nextToken;
  } while (token !== undefined);
}
