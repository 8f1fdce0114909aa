package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry: names, spellings, class names, what a name keeps of the folder's config, img2img starts. */
class SchedulersTest {
    private static final double[] ABAR = Reference.sdAlphasCumprod();

    @Test
    void namesAndSpellings() {
        assertEquals(List.of("pndm", "ddim", "euler", "euler-a", "lms", "dpm++2m", "dpm++2m-karras", "lcm"),
                Schedulers.names());
        Map<String, String> spellings = Map.ofEntries(
                Map.entry("EULER_A", "euler-a"), Map.entry("euler a", "euler-a"), Map.entry("k_euler_a", "euler-a"),
                Map.entry("Euler Ancestral", "euler-a"), Map.entry("dpmpp_2m", "dpm++2m"), Map.entry("DPM++2M", "dpm++2m"),
                Map.entry("dpm++ 2m karras", "dpm++2m-karras"), Map.entry("DPMPP_2M_KARRAS", "dpm++2m-karras"),
                Map.entry("plms", "pndm"), Map.entry("k_lms", "lms"), Map.entry(" Euler ", "euler"),
                Map.entry("EulerDiscreteScheduler", "euler"), Map.entry("LCMScheduler", "lcm"));
        spellings.forEach((typed, name) -> assertEquals(Optional.of(name), Schedulers.canonicalName(typed), typed));
        assertEquals(Optional.empty(), Schedulers.canonicalName("heun"));
        for (String n : Schedulers.names()) {
            assertFalse(Schedulers.describe(n).isBlank());
            assertEquals(Optional.of(n), Schedulers.canonicalName(n));
        }
    }

    @Test
    void anUnknownNameListsEveryName() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> Schedulers.create("heun", Reference.sd15(), 20));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("\"heun\""), e.getMessage());
        for (String n : Schedulers.names()) {
            assertTrue(e.getMessage().contains(n), e.getMessage());
        }
    }

    @Test
    void stepsBelowOneOrAboveTrainingAreRefused() {
        for (String n : Schedulers.names()) {
            GenloomException e = assertThrows(GenloomException.class, () -> Schedulers.create(n, Reference.sd15(), 0));
            assertEquals(ErrorKind.INVALID_INPUT, e.kind(), n);
        }
        assertThrows(GenloomException.class, () -> Schedulers.create("euler", Reference.sd15(), 1001));
    }

    @Test
    void classNamesMapToSchedulers() {
        Map<String, String> classes = Map.of("PNDMScheduler", "pndm", "DDIMScheduler", "ddim",
                "EulerDiscreteScheduler", "euler", "EulerAncestralDiscreteScheduler", "euler-a",
                "LMSDiscreteScheduler", "lms", "DPMSolverMultistepScheduler", "dpm++2m", "LCMScheduler", "lcm");
        classes.forEach((cls, name) -> {
            assertEquals(Optional.of(name), Schedulers.nameForClass(cls), cls);
            Optional<Scheduler> s = Schedulers.forConfig(Reference.sdBetas(cls), 8);
            assertTrue(s.isPresent(), cls);
        });
        assertInstanceOf(PndmScheduler.class, Schedulers.forConfig(Reference.sd15(), 50).orElseThrow());
        assertInstanceOf(LcmScheduler.class, Schedulers.forConfig(Reference.sdBetas("LCMScheduler"), 4).orElseThrow());
        assertEquals(Optional.empty(), Schedulers.nameForClass("HeunDiscreteScheduler"));
        assertEquals(Optional.empty(), Schedulers.forConfig(Reference.sdBetas("HeunDiscreteScheduler"), 20),
                "an unknown class: the caller falls back to euler");
        assertEquals(Optional.empty(), Schedulers.forConfig(SchedulerConfig.empty(), 20), "no class name");
        // a DPM-Solver config with Karras sigmas runs as dpm++2m-karras
        DpmSolverMultistepScheduler k = (DpmSolverMultistepScheduler) Schedulers.forConfig(
                Reference.sdBetas("DPMSolverMultistepScheduler").withKarrasSigmas(true), 10).orElseThrow();
        assertEquals(Reference.sigma(ABAR[0]), k.sigmas()[9], 1e-9, "Karras: ends at the smallest training sigma");
    }

    @Test
    void aNameKeepsTheFoldersModelKeys() {
        // SD 1.5's folder is PNDM with leading spacing and steps_offset 1: euler keeps them
        Scheduler euler = Schedulers.create("euler", Reference.sd15(), 50);
        assertEquals(981, euler.timesteps()[0]);
        assertEquals(1, euler.timesteps()[49]);
        double max = Reference.sigmaAt(ABAR, 981);
        assertEquals(Math.sqrt(max * max + 1), euler.initNoiseSigma(), 1e-9);
        // keys the file leaves out take its own class's defaults first: PNDM's spacing is leading
        assertArrayEquals(new double[] {900, 800, 700, 600, 500, 400, 300, 200, 100, 0},
                Schedulers.create("euler", Reference.sdBetas("PNDMScheduler"), 10).timesteps());
        // and Euler's own (linspace) where the file is an Euler one
        assertEquals(999 * 8 / 9.0, Schedulers.create("euler", Reference.sdBetas("EulerDiscreteScheduler"), 10)
                .timesteps()[1], 1e-4);
        // a v-prediction folder stays v-prediction under another name
        SchedulerConfig v = Reference.sd15().withPredictionType(PredictionType.V_PREDICTION);
        float[] x = Reference.floats(1.0);
        float[] out = Reference.floats(0.5);
        double a = ABAR[981];
        double x0 = Math.sqrt(a) * 1.0 - Math.sqrt(1 - a) * 0.5;
        double eps = Math.sqrt(a) * 0.5 + Math.sqrt(1 - a) * 1.0;
        assertEquals(Reference.ddim(x0, eps, ABAR[961]), Schedulers.create("ddim", v, 50).step(out, 0, x, null)[0], 1e-6);
    }

    @Test
    void karrasNamesSwitchTheKey() {
        DpmSolverMultistepScheduler on = (DpmSolverMultistepScheduler) Schedulers.create("dpm++2m-karras",
                Reference.sd15(), 10);
        DpmSolverMultistepScheduler off = (DpmSolverMultistepScheduler) Schedulers.create("dpm++2m",
                Reference.sd15().withKarrasSigmas(true), 10);
        assertEquals(Reference.sigma(ABAR[0]), on.sigmas()[9], 1e-9);
        assertEquals(Reference.sigma(ABAR[999]), on.sigmas()[0], 1e-9);
        // without Karras: SD 1.5's leading spacing as DPM-Solver reads it, 11 points 1000 // 11 = 90
        // apart with the last (0) dropped, plus steps_offset 1: 901, 811, ..., 91
        for (int i = 0; i < 10; i++) {
            assertEquals(901 - 90 * i, off.timesteps()[i], 0);
        }
        assertEquals(Reference.sigma(ABAR[91]), off.sigmas()[9], 1e-9);
    }

    @Test
    void imageToImageStartIndex() {
        Scheduler euler = Schedulers.create("euler", Reference.sd15(), 50);
        assertEquals(10, Schedulers.startIndex(euler, 50, 0.8), "init = int(50 * 0.8) = 40");
        assertEquals(0, Schedulers.startIndex(euler, 50, 1.0));
        assertEquals(8, Schedulers.startIndex(Schedulers.create("ddim", Reference.sd15(), 30), 30, 0.75),
                "int(22.5) = 22");
        Scheduler pndm = Schedulers.create("pndm", Reference.sd15(), 50);
        int start = Schedulers.startIndex(pndm, 50, 0.8);
        assertEquals(10, start);
        assertEquals(801, pndm.timesteps()[start], "an index into PNDM's 51 timesteps, as diffusers");
        GenloomException low = assertThrows(GenloomException.class, () -> Schedulers.startIndex(euler, 50, 0.01));
        assertEquals(ErrorKind.INVALID_INPUT, low.kind());
        assertThrows(GenloomException.class, () -> Schedulers.startIndex(euler, 50, 1.5));
        assertThrows(GenloomException.class, () -> Schedulers.create("euler", Reference.sd15(), 50, -0.1));

        Scheduler lcm = Schedulers.create("lcm", Reference.sdBetas("LCMScheduler"), 4, 0.5);
        assertEquals(0, Schedulers.startIndex(lcm, 4, 0.5), "lcm takes the strength in its timesteps");
        assertThrows(IllegalArgumentException.class, () -> Schedulers.startIndex(lcm, 4, 0.8));

        Scheduler prk = Schedulers.create("pndm", Reference.sdBetas("PNDMScheduler"), 20);
        assertEquals(0, Schedulers.startIndex(prk, 20, 1.0));
        GenloomException e = assertThrows(GenloomException.class, () -> Schedulers.startIndex(prk, 20, 0.5));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    }
}
