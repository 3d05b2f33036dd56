package io.amdb.node.ring;

/**
 * A primary's request to add a backup of one partition to the partition's in-sync set ({@code inSync} true: the
 * backup holds everything the primary applied) or to remove it (it stopped answering, its copy does not continue
 * the primary's history, or the primary gives up an add it asked before and is about to copy the backup again).
 * Valid only while the primary holds the partition at {@code term}. {@code tableEpoch} is the epoch of the table
 * the primary had installed when it asked: the coordinator refuses an add asked before the partition's last removal,
 * so an add that arrives late cannot list a backup whose copy the primary has started over.
 */
public record InSyncChange(int partition, long term, String backup, boolean inSync, long tableEpoch) {}
