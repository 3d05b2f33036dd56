/**
 * The native AmDb client: {@link io.amdb.client.AmDbClient}, its {@link io.amdb.client.ClientOptions}
 * and {@link io.amdb.client.AmDbException}. Speaks the protocol of {@code docs/PROTOCOL.md} through
 * {@code io.amdb.protocol}; needs nothing but the JDK besides.
 *
 * <p>Inside, top to bottom: {@code AmDbClient} checks a call and takes an in-flight permit
 * ({@code Operation}); {@code Dispatcher} routes single-key and keyless calls and owns the WRONG_OWNER retry
 * policy; {@code SplitRequest} ({@code MGetSplit}, {@code BatchSplit}) splits multi-key calls by owner
 * and re-assembles them; {@code Router} holds the cached partition table and a {@code Peer} per node;
 * {@code TableRefresher} fetches newer tables, one fetch at a time; {@code Bootstrap} does the seed
 * failover of connect. Below that, one {@code IoLoop} thread drives every {@code Connection}, each
 * carrying {@code Call}s (one request frame each) through its {@code Outbound} buffer and
 * {@code PendingCalls} table.
 */
package io.amdb.client;
