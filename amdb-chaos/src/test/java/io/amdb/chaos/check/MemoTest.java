package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** When a configuration may be skipped: seen before, or only adding UNKNOWN operations to a failed one. */
class MemoTest {
    private final Memo memo = new Memo();

    private static LinearizedSet.Snapshot set(int... members) {
        LinearizedSet set = new LinearizedSet(200);
        for (int member : members) {
            set.add(member);
        }
        return set.snapshot();
    }

    @Test
    void admit_sameConfigurationTwice_skipsTheSecond() {
        assertNotNull(memo.admit(set(0, 1), "a", set(3)));
        assertNull(memo.admit(set(0, 1), "a", set(3)));
    }

    @Test
    void admit_otherAnsweredSetOrValue_admits() {
        memo.admit(set(0, 1), "a", set()).finish();
        assertNotNull(memo.admit(set(0, 2), "a", set(3)));
        assertNotNull(memo.admit(set(0, 1), "b", set(3)));
        assertNotNull(memo.admit(set(0, 1), null, set(3)));
    }

    @Test
    void admit_moreUnknownsThanAFailedConfiguration_skips() {
        memo.admit(set(0, 1), "a", set(3)).finish();
        assertNull(memo.admit(set(0, 1), "a", set(3, 150)));
    }

    @Test
    void admit_moreUnknownsThanAConfigurationInProgress_admits() {
        memo.admit(set(0, 1), "a", set(3));
        assertNotNull(memo.admit(set(0, 1), "a", set(3, 150)));
    }

    @Test
    void admit_fewerUnknownsThanAFailedConfiguration_admits() {
        memo.admit(set(0, 1), "a", set(3, 150)).finish();
        assertNotNull(memo.admit(set(0, 1), "a", set(3)));
        assertNotNull(memo.admit(set(0, 1), "a", set(4, 150)));
    }
}
