package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event order and the exact undo of lifts. */
class EventListTest {
    private static List<Integer> walk(EventList events) {
        List<Integer> order = new ArrayList<>();
        for (int e = events.first(); !events.isTail(e); e = events.next(e)) {
            order.add(e);
        }
        return order;
    }

    @Test
    void constructor_ordersByTimeCallsFirstOnTiesUnknownReturnsLast() {
        List<Op> ops = List.of(Op.write(1, "k", "a", 0, 10), Op.read(2, "k", "a", 10, 20),
                Op.write(3, "k", "b", 5, 6).unknown());
        // calls 0, 2, 4; returns 1, 3, 5: op 0 [0,10], op 1 [10,20], op 2 [5,never]
        assertEquals(List.of(0, 4, 2, 1, 3, 5), walk(new EventList(ops)));
    }

    @Test
    void unlift_inReverseOrderOfLifts_restoresTheList() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ops.add(Op.write(i, "k", "v" + i, i * 3L, i * 3L + 5));
        }
        EventList events = new EventList(ops);
        List<Integer> original = walk(events);
        events.lift(2);
        events.lift(0);
        events.lift(5);
        assertTrue(walk(events).stream().noneMatch(e -> List.of(2, 0, 5).contains(EventList.op(e))));
        events.unlift(5);
        events.unlift(0);
        events.unlift(2);
        assertEquals(original, walk(events));
        for (int op = 0; op < 6; op++) {
            events.lift(op);
        }
        assertTrue(events.isEmpty());
    }
}
