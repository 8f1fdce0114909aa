package dev.genloom.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ReleaseTest {

    @Test
    void closesEachResourceInOrderSkipsNullsAndAttachesWhatClosingThrows() {
        List<String> closed = new ArrayList<>();
        Exception broken = new Exception("cannot close b");
        AutoCloseable a = () -> closed.add("a");
        AutoCloseable b = () -> {
            closed.add("b");
            throw broken;
        };
        AutoCloseable c = () -> closed.add("c");
        IllegalStateException failure = new IllegalStateException("load failed");

        assertSame(failure, Release.after(failure, a, null, b, c));
        assertEquals(List.of("a", "b", "c"), closed, "a failure to close does not stop the others");
        assertArrayEquals(new Throwable[] {broken}, failure.getSuppressed());
    }
}
