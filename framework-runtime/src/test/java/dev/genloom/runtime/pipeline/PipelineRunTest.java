package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.Model;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineRunTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    /** How often each model was loaded. */
    private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    private final SharedModels shared = new SharedModels(name -> {
        loads.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        return Fakes.create(name);
    });
    /** How often a run asked the provider for each model. */
    private final Map<String, AtomicInteger> acquires = new ConcurrentHashMap<>();
    private final ModelProvider counting = name -> {
        acquires.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        return shared.acquire(name);
    };

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        shared.close();
    }

    private int loads(String model) {
        AtomicInteger n = loads.get(model);
        return n == null ? 0 : n.get();
    }

    private int acquires(String model) {
        AtomicInteger n = acquires.get(model);
        return n == null ? 0 : n.get();
    }

    private static Audio oneSecondAndAHalf() {
        return Audio.mono(new float[24_000], 16_000);
    }

    @Test
    void runsTheExamplePipelineEndToEnd() {
        Pipeline p = Fakes.load("pipelines/transcribe-and-draw.yaml");
        Recorder recorder = new Recorder();
        PipelineResult r = p.run(Map.of("speech", oneSecondAndAHalf()), counting, pool, recorder);

        String heard = "heard 24000 frames at 16000 Hz";
        assertEquals(heard, r.output("words"));
        Image picture = r.output("picture", Image.class);
        assertEquals(heard.length(), picture.width());   // the fake painter: width = prompt length
        assertEquals(2, picture.height());                // height = steps: 2
        assertEquals(42, picture.rgbAt(0, 0) & 0xff);     // grey = seed
        Transcript t = r.output("segments", Transcript.class);
        assertEquals("en", t.language());
        assertEquals(2, t.segments().size());             // timestamps: true, 1.5 s
        assertEquals("WATERCOLOUR", r.output("style"));   // the input's default, upper-cased
        assertEquals(List.of("picture", "words", "segments", "style"), List.copyOf(r.outputs().keySet()));

        // progress of each task reaches the listener
        List<String> progress = recorder.events("progress");
        assertTrue(progress.containsAll(List.of("progress draw 1/2", "progress draw 2/2")), progress.toString());
        assertTrue(progress.contains("progress transcribe 1500/1500"), progress.toString());
        assertTrue(progress.contains("progress restyle 11/20"), progress.toString());   // 11 tokens of at most 20
        assertTrue(recorder.indexOf("finished transcribe") < recorder.indexOf("started draw"));
        assertEquals(3, recorder.events("finished").size());

        // per-step timings and the total
        assertEquals(java.util.Set.of("transcribe", "draw", "restyle"), r.timings().keySet());
        for (String step : List.of("transcribe", "draw", "restyle")) {
            StepTiming timing = r.timing(step);
            assertEquals(step, timing.step());
            assertTrue(timing.startNanos() >= 0);
            assertTrue(timing.wallNanos() > 0);
            assertTrue(timing.modelNanos() >= 0 && timing.modelNanos() <= timing.wallNanos());
            assertTrue(timing.thread().startsWith("pool-"), timing.thread());
            assertTrue(timing.endNanos() <= r.totalNanos());
        }
        assertTrue(r.timing("draw").startNanos() >= r.timing("transcribe").endNanos());

        // a second run gives its own value for the defaulted input, and loads nothing again
        PipelineResult again = p.run(Map.of("speech", oneSecondAndAHalf(), "style", "ink"), counting, pool);
        assertEquals("INK", again.output("style"));
        for (String model : p.models()) {
            assertEquals(1, loads(model), model);
            assertEquals(2, acquires(model), model);   // once per run
        }
    }

    @Test
    void inputsAreCheckedBeforeAnyStepStarts() {
        Pipeline p = Fakes.load("pipelines/transcribe-and-draw.yaml");
        Recorder recorder = new Recorder();

        GenloomException missing = assertThrows(GenloomException.class,
                () -> p.run(Map.of("style", "ink"), counting, pool, recorder));
        assertEquals(ErrorKind.INVALID_INPUT, missing.kind());
        assertEquals("pipeline 'transcribe-and-draw': missing input 'speech' (audio)", missing.getMessage());
        assertEquals("give its inputs: speech (audio), style (text, optional)", missing.hint());

        GenloomException unknown = assertThrows(GenloomException.class,
                () -> p.run(Map.of("speech", oneSecondAndAHalf(), "stlye", "ink"), counting, pool, recorder));
        assertEquals(ErrorKind.INVALID_INPUT, unknown.kind());
        assertTrue(unknown.getMessage().contains("unknown input 'stlye' (did you mean 'style'?)"), unknown.getMessage());

        GenloomException wrongType = assertThrows(GenloomException.class,
                () -> p.run(Map.of("speech", "hello"), counting, pool, recorder));
        assertEquals(ErrorKind.INVALID_INPUT, wrongType.kind());
        assertTrue(wrongType.getMessage().contains("input 'speech' must be audio (Audio), got String"), wrongType.getMessage());

        assertEquals(List.of(), recorder.events());
        assertTrue(acquires.isEmpty(), "no model may be asked for: " + acquires);
    }

    @Test
    void aDiamondRunsInDependencyOrder() {
        Pipeline p = Fakes.load("pipelines/diamond.yaml");
        Recorder recorder = new Recorder();
        PipelineResult r = p.run(Map.of("text", "hello"), counting, pool, recorder);

        // start = HELLO; shout = HELLO; mirror = OLLEH; join = shout + " + " + mirror
        assertEquals("HELLO + OLLEH", r.output("joined"));
        int startDone = recorder.indexOf("finished start");
        assertTrue(startDone < recorder.indexOf("started shout"));
        assertTrue(startDone < recorder.indexOf("started mirror"));
        int joinStarted = recorder.indexOf("started join");
        assertTrue(recorder.indexOf("finished shout") < joinStarted);
        assertTrue(recorder.indexOf("finished mirror") < joinStarted);
        assertTrue(r.timing("join").startNanos() >= r.timing("shout").endNanos());
        assertTrue(r.timing("join").startNanos() >= r.timing("mirror").endNanos());
        assertTrue(r.timing("shout").startNanos() >= r.timing("start").endNanos());
        // 'upper' serves two steps, and is acquired once
        assertEquals(1, acquires("upper"));
        assertEquals(1, loads("upper"));
    }

    /** A painter that only finishes when another painter call is running at the same time. */
    static final class Rendezvous extends Fakes.Painter {
        private final CyclicBarrier bothRunning = new CyclicBarrier(2);

        Rendezvous() {
            super("sd-turbo");
        }

        @Override
        public Image generateImage(String prompt, ImageOptions options, StepListener listener) {
            try {
                bothRunning.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other branch did not run at the same time", e);
            }
            return super.generateImage(prompt, options, listener);
        }
    }

    @Test
    void independentBranchesRunConcurrentlyAndShareTheirModel() {
        AtomicInteger painterLoads = new AtomicInteger();
        AtomicInteger painterAcquires = new AtomicInteger();
        try (SharedModels models = new SharedModels(name -> {
            painterLoads.incrementAndGet();
            return new Rendezvous();
        })) {
            ModelProvider provider = name -> {
                painterAcquires.incrementAndGet();
                return models.acquire(name);
            };
            Pipeline p = Fakes.load("pipelines/two-branches.yaml");
            PipelineResult r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                    () -> p.run(Map.of("prompt", "tiger"), provider, pool));
            Image small = r.output("small", Image.class);
            Image tall = r.output("tall", Image.class);
            assertEquals(5, small.width());
            assertEquals(1, small.height());
            assertEquals(5, tall.width());
            assertEquals(3, tall.height());
            assertEquals(1, painterLoads.get());
            assertEquals(1, painterAcquires.get());
            StepTiming left = r.timing("left");
            StepTiming right = r.timing("right");
            assertNotEquals(left.thread(), right.thread());
            assertTrue(left.startNanos() < right.endNanos() && right.startNanos() < left.endNanos(),
                    "the branches overlap in time");
        }
    }

    @Test
    void aFailingStepFailsTheRunAndNothingElseStarts() {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Pipeline p = Fakes.load("pipelines/picky.yaml");
            Recorder recorder = new Recorder();
            GenloomException e = assertThrows(GenloomException.class,
                    () -> p.run(Map.of("text", "boom"), counting, one, recorder));
            assertEquals(ErrorKind.RUN_FAILED, e.kind());
            assertEquals("step 'judge' (text-to-text on model 'picky') failed: IllegalStateException: cannot stand 'boom'",
                    e.getMessage());
            assertTrue(e.getCause() instanceof IllegalStateException);
            // 'aside' was ready as well, but on one thread it comes after 'judge'; it must not start
            assertEquals(List.of("started judge", "failed judge " + e.getCause().getMessage()), recorder.events());
            assertEquals(0, acquires("upper"));
            assertEquals(0, acquires("reverse"));

            // the pipeline, the provider and its loaded model keep working
            Recorder next = new Recorder();
            PipelineResult r = p.run(Map.of("text", "fine"), counting, one, next);
            assertEquals("OK: FINE", r.output("verdict"));
            assertEquals("enif", r.output("backwards"));
            assertEquals(1, loads("picky"));
            assertEquals(3, next.events("finished").size());
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aModelThatCannotBeLoadedFailsItsStepAndLaterRunsTryAgain() {
        AtomicInteger attempts = new AtomicInteger();
        try (SharedModels flaky = new SharedModels(name -> {
            if (name.equals("reverse") && attempts.incrementAndGet() == 1) {
                throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, "no folder for model 'reverse'", "fetch it");
            }
            return Fakes.create(name);
        })) {
            Pipeline p = Fakes.load("pipelines/diamond.yaml");
            GenloomException e = assertThrows(GenloomException.class, () -> p.run(Map.of("text", "abc"), flaky, pool));
            assertEquals(ErrorKind.RUN_FAILED, e.kind());
            assertEquals("step 'mirror' (text-to-text on model 'reverse') failed: no folder for model 'reverse'",
                    e.getMessage());
            assertEquals("fetch it", e.hint());
            assertEquals("ABC + CBA", p.run(Map.of("text", "abc"), flaky, pool).output("joined"));
        }
    }

    @Test
    void onePipelineRunsManyTimesAtOnce() throws Exception {
        Pipeline p = Fakes.load("pipelines/diamond.yaml");
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<PipelineResult>> runs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String text = "run" + i;
                runs.add(callers.submit(() -> p.run(Map.of("text", text), shared, pool)));
            }
            for (int i = 0; i < runs.size(); i++) {
                String upper = ("run" + i).toUpperCase();
                String expected = upper + " + " + new StringBuilder(upper).reverse();
                assertEquals(expected, runs.get(i).get(30, TimeUnit.SECONDS).output("joined"));
            }
            assertEquals(1, loads("upper"));
            assertEquals(1, loads("reverse"));
            assertEquals(1, loads("joiner"));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aListenerThatThrowsDoesNotFailTheRun() {
        Pipeline p = Fakes.load("pipelines/diamond.yaml");
        PipelineListener rude = new PipelineListener() {
            @Override
            public void stepStarted(Step step) {
                throw new IllegalStateException("bad listener");
            }
        };
        assertEquals("X + X", p.run(Map.of("text", "x"), shared, pool, rude).output("joined"));
    }

    @Test
    void aPoolThatRefusesWorkFailsTheRun() {
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        Pipeline p = Fakes.load("pipelines/diamond.yaml");
        GenloomException e = assertThrows(GenloomException.class, () -> p.run(Map.of("text", "x"), shared, closed));
        assertEquals(ErrorKind.RUN_FAILED, e.kind());
        // 'start' is the only step ready at first and runs on the caller's thread; the two steps it
        // makes ready together go to the pool, which refuses them
        assertTrue(e.getMessage().matches(".*step '(shout|mirror)' could not start: the pool refused it.*"), e.getMessage());
    }

    @Test
    void theRunDoesNotCloseModels() {
        // the models themselves, not the close-proof views that SharedModels hands out
        Map<String, Model> made = new ConcurrentHashMap<>();
        ModelProvider bare = name -> made.computeIfAbsent(name, Fakes::create);
        Pipeline p = Fakes.load("pipelines/diamond.yaml");
        p.run(Map.of("text", "x"), bare, pool);
        assertEquals(java.util.Set.of("upper", "reverse", "joiner"), made.keySet());
        made.values().forEach(m -> assertFalse(((Fakes.Fake) m).closed.get(), m.info().name()));

        // and what SharedModels hands out survives a caller's close()
        Model upper = shared.acquire("upper");
        upper.close();
        assertEquals("UP", ((TextToText) shared.acquire("upper")).generate("up").text());
        assertSame(upper, shared.acquire("upper"));
    }
}
