package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Model;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SharedModelsTest {

    @Test
    void manyThreadsAskingForOneModelLoadItOnce() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        int threads = 32;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SharedModels models = new SharedModels(name -> {
            loads.incrementAndGet();
            sleep(100);   // a slow load, so that the others arrive while it runs
            return Fakes.create(name);
        })) {
            List<Future<Model>> got = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                got.add(pool.submit(() -> {
                    go.await();
                    return models.acquire("upper");
                }));
            }
            go.countDown();
            Model first = got.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Model> f : got) {
                assertSame(first, f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, loads.get());
            assertEquals(Set.of("upper"), models.loaded());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLoadIsNotRememberedAndEveryWaiterHearsOfIt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SharedModels models = new SharedModels(name -> {
            if (attempts.incrementAndGet() == 1) {
                loading.countDown();
                await(release);
                throw new IllegalStateException("disk on fire");
            }
            return Fakes.create(name);
        })) {
            Future<Model> loader = pool.submit(() -> models.acquire("upper"));
            assertTrue(loading.await(10, TimeUnit.SECONDS));
            List<Future<Model>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(pool.submit(() -> models.acquire("upper")));
            }
            sleep(100);   // let the waiters reach the pending load
            release.countDown();
            for (Future<Model> f : waiters) {
                assertFails(f);
            }
            assertFails(loader);
            assertEquals(Set.of(), models.loaded());
            // the next request tries again, and succeeds
            Model m = models.acquire("upper");
            assertEquals("upper", m.info().name());
            assertSame(m, models.acquire("upper"));
            // The three waiters either waited for the first load or, arriving after it failed,
            // tried again themselves: at most one load beyond the failed one either way.
            assertTrue(attempts.get() >= 2 && attempts.get() <= 5, "attempts: " + attempts.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertFails(Future<Model> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            // a waiter that came after the failure loaded the model itself: also fine
        } catch (java.util.concurrent.ExecutionException e) {
            GenloomException g = assertInstanceOf(GenloomException.class, e.getCause());
            assertTrue(g.getMessage().contains("cannot load model 'upper': IllegalStateException: disk on fire"),
                    g.getMessage());
        }
    }

    @Test
    void aFailingLoadIsReportedAndRetried() {
        AtomicInteger attempts = new AtomicInteger();
        try (SharedModels models = new SharedModels(name -> {
            if (attempts.incrementAndGet() == 1) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "model 'upper' has no onnx/model.onnx", "re-export it");
            }
            return Fakes.create(name);
        })) {
            GenloomException e = assertThrows(GenloomException.class, () -> models.acquire("upper"));
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
            assertEquals("re-export it", e.hint());
            assertEquals("UPPER", ((dev.genloom.api.TextToText) models.acquire("upper")).generate("upper").text());
            assertEquals(2, attempts.get());
        }
    }

    @Test
    void aSlowLoadDoesNotHoldUpOtherModels() throws Exception {
        CountDownLatch otherLoaded = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SharedModels models = new SharedModels(name -> {
            if (name.equals("upper")) {
                await(otherLoaded);   // finishes only once 'reverse' has loaded meanwhile
            }
            return Fakes.create(name);
        })) {
            Future<Model> slow = pool.submit(() -> models.acquire("upper"));
            sleep(50);
            models.acquire("reverse");
            otherLoaded.countDown();
            assertEquals("upper", slow.get(10, TimeUnit.SECONDS).info().name());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeClosesEveryModelAndRefusesMore() {
        List<Fakes.Fake> made = new ArrayList<>();
        SharedModels models = new SharedModels(name -> {
            Fakes.Fake m = (Fakes.Fake) Fakes.create(name);
            made.add(m);
            return m;
        });
        models.acquire("upper");
        models.acquire("reverse");
        Model again = models.acquire("upper");
        assertEquals(2, made.size());
        made.forEach(m -> assertFalse(m.closed.get()));
        models.close();
        made.forEach(m -> assertTrue(m.closed.get(), m.name + " closed"));
        assertThrows(GenloomException.class, () -> models.acquire("upper"));
        assertEquals(Set.of(), models.loaded());
        assertNotSame(null, again);
    }

    @Test
    void unloadClosesTheMatchingModelsAndTheNextRequestLoadsAgain() {
        List<Fakes.Fake> made = new ArrayList<>();
        try (SharedModels models = new SharedModels(name -> {
            Fakes.Fake m = (Fakes.Fake) Fakes.create(name);
            made.add(m);
            return m;
        })) {
            Model first = models.acquire("upper");
            models.acquire("reverse");
            assertTrue(models.unload(name -> name.equals("upper")));
            assertTrue(made.get(0).closed.get(), "upper closed");
            assertFalse(made.get(1).closed.get(), "reverse untouched");
            assertEquals(Set.of("reverse"), models.loaded());
            assertFalse(models.unload(name -> name.equals("upper")), "nothing left to unload");

            Model again = models.acquire("upper");
            assertNotSame(first, again);
            assertEquals(3, made.size());
            assertEquals(2, models.models().size());
        }
    }

    @Test
    void aCallerClosingItsModelDoesNotCloseTheSharedOne() {
        List<Fakes.Fake> made = new ArrayList<>();
        try (SharedModels models = new SharedModels(name -> {
            Fakes.Fake m = (Fakes.Fake) Fakes.create(name);
            made.add(m);
            return m;
        })) {
            Model mine = models.acquire("upper");
            mine.close();
            assertFalse(made.get(0).closed.get());
            assertEquals("STILL", ((dev.genloom.api.TextToText) models.acquire("upper")).generate("still").text());
            assertSame(mine, models.acquire("upper"));
        }
    }

    @Test
    void aModelStillLoadingWhenTheModelsCloseIsClosedAsItsLoadEnds() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Fakes.Fake> made = new ArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        SharedModels models = new SharedModels(name -> {
            loading.countDown();
            await(release);
            Fakes.Fake m = (Fakes.Fake) Fakes.create(name);
            made.add(m);
            return m;
        });
        try {
            Future<Model> late = pool.submit(() -> models.acquire("upper"));
            assertTrue(loading.await(10, TimeUnit.SECONDS));
            models.close();
            release.countDown();
            java.util.concurrent.ExecutionException e =
                    assertThrows(java.util.concurrent.ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            GenloomException g = assertInstanceOf(GenloomException.class, e.getCause());
            assertEquals("the shared models are closed", g.getMessage());
            assertEquals(1, made.size());
            assertTrue(made.get(0).closed.get(), "the late model is closed by its loader");
            assertEquals(Set.of(), models.loaded());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
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
