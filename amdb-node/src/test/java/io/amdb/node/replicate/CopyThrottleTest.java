package io.amdb.node.replicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The copy rate limit's bucket on a fake clock: a second's burst, then the rate; no limit at 0. */
class CopyThrottleTest {
    private long now = 5_000_000_000L;

    @Test
    void bucket_burstThenRate() {
        CopyThrottle t = new CopyThrottle(1_000, () -> now);
        assertTrue(t.mayCopy(), "starts with a second of the rate");
        t.spent(1_500);
        assertFalse(t.mayCopy(), "500 bytes in debt");
        now += 400_000_000L;
        assertFalse(t.mayCopy(), "0.4 s refills 400 of the 500");
        now += 200_000_000L;
        assertTrue(t.mayCopy(), "0.6 s refills 600: 100 to spend");
        now += 60_000_000_000L;
        assertTrue(t.mayCopy());
        t.spent(1_000);
        assertFalse(t.mayCopy(), "a long idle time refills one second's worth, no more");
    }

    @Test
    void zero_meansUnlimited_negativeRefused() {
        CopyThrottle t = new CopyThrottle(0, () -> now);
        t.spent(Long.MAX_VALUE / 2);
        assertTrue(t.mayCopy());
        assertThrows(IllegalArgumentException.class, () -> new CopyThrottle(-1, () -> now));
    }
}
