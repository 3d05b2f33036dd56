package io.amdb.node.ring;

/**
 * A primary's request to add a backup of one partition to the partition's in-sync set ({@code inSync} true: the
 * backup holds everything the primary applied) or to remove it (it stopped answering, or its copy does not continue
 * the primary's history). Valid only while the primary holds the partition at {@code term}.
 */
public record InSyncChange(int partition, long term, String backup, boolean inSync) {}
