package dev.genloom.runtime.concurrent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LazyTest {

    @Test
    void waitersGetTheOneMakesFailureAndTheNextGetTriesAgain() throws Exception {
        AtomicInteger makes = new AtomicInteger();
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<String> lazy = new Lazy<>(() -> {
            if (makes.incrementAndGet() == 1) {
                making.countDown();
                await(release);
                throw new IllegalArgumentException("first make fails");
            }
            return "made";
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<String> maker = pool.submit(lazy::get);
            assertTrue(making.await(10, TimeUnit.SECONDS));
            List<Future<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(pool.submit(lazy::get));
            }
            Thread.sleep(100);   // let the waiters reach the make in progress
            release.countDown();
            ExecutionException e = assertThrows(ExecutionException.class, () -> maker.get(10, TimeUnit.SECONDS));
            IllegalArgumentException failure = (IllegalArgumentException) e.getCause();
            for (Future<String> w : waiters) {
                ExecutionException we = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                assertSame(failure, we.getCause(), "the waiter hears of the same failure");
            }
            assertEquals(1, makes.get());
            assertNull(lazy.ifMade());
            assertEquals("made", lazy.get());
            assertEquals("made", lazy.get());
            assertEquals(2, makes.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeHandsTheValueOverOnceAndRefusesMore() {
        List<String> closed = new ArrayList<>();
        Lazy<String> lazy = new Lazy<>(() -> "value");
        assertEquals("value", lazy.get());
        lazy.close(closed::add);
        lazy.close(closed::add);
        assertEquals(List.of("value"), closed);
        assertTrue(lazy.isClosed());
        assertNull(lazy.ifMade());
        assertThrows(IllegalStateException.class, lazy::get);

        Lazy<String> never = new Lazy<>(() -> "unused");
        never.close(closed::add);
        assertEquals(List.of("value"), closed, "nothing made, nothing to close");
    }

    @Test
    void aValueMadeWhileClosingGoesToTheCloserAndItsCallerIsRefused() throws Exception {
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<String> lazy = new Lazy<>(() -> {
            making.countDown();
            await(release);
            return "late";
        });
        List<String> closed = new ArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> maker = pool.submit(lazy::get);
            assertTrue(making.await(10, TimeUnit.SECONDS));
            lazy.close(closed::add);
            assertEquals(List.of(), closed);
            release.countDown();
            ExecutionException e = assertThrows(ExecutionException.class, () -> maker.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
            assertEquals(List.of("late"), closed);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
