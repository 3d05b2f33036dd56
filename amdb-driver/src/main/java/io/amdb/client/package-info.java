/**
 * The native AmDb client: {@link io.amdb.client.AmDbClient}, its {@link io.amdb.client.ClientOptions}
 * and {@link io.amdb.client.AmDbException}. Speaks the protocol of {@code docs/PROTOCOL.md} through
 * {@code io.amdb.protocol}; needs nothing but the JDK besides.
 */
package io.amdb.client;
