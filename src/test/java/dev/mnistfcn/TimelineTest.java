package dev.mnistfcn;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimelineTest {

    @Test
    void marksKeepTheirOrderAndTheirFirstTime() {
        Timeline t = Timeline.start(null, Instant.now());
        t.mark("config").mark("network").mark("config").mark("data");
        Map<String, Double> marks = t.marks();
        assertEquals(List.of("config", "network", "data"), List.copyOf(marks.keySet()));
        double before = 0;
        for (double at : marks.values()) {
            assertTrue(at >= before, "marks never go back in time: " + marks);
            before = at;
        }
    }

    /** The origin is this JVM's start, so the first mark already counts the JVM's own start-up. */
    @Test
    void aNewTimelineStartsWhenThisJvmStarted() {
        Instant now = Instant.now();
        Instant start = Timeline.processStart(now);
        assertFalse(start.isAfter(now));
        assertTrue(start.isAfter(now.minusSeconds(3600)), "this JVM started within the hour: " + start);
        assertTrue(Timeline.start(null, now).mark("main").marks().get("main") > 0);
    }

    /** The child continues the parent's timeline: the parent's marks, then the child's JVM start, then its own. */
    @Test
    void aChildContinuesItsParentsTimeline() {
        Timeline parent = Timeline.start(null, Instant.now()).mark("main").mark("relaunch");
        Timeline child = Timeline.start(parent.encode(), Instant.now()).mark("child_main");
        Map<String, Double> marks = child.marks();
        assertEquals(List.of("main", "relaunch", "child_jvm_start", "child_main"), List.copyOf(marks.keySet()));
        assertEquals(parent.marks().get("main"), marks.get("main"), 1e-9);
        assertTrue(marks.get("child_main") >= marks.get("relaunch"));
        assertTrue(child.describe().contains("child_main"));
    }

    @Test
    void anUnreadableInheritedTimelineIsIgnored() {
        assertNull(Timeline.decode("not a number;main=1"));
        assertNull(Timeline.decode("12;main"));
        Timeline t = Timeline.start("garbage", Instant.now()).mark("main");
        assertEquals(List.of("main"), List.copyOf(t.marks().keySet()));
    }
}
