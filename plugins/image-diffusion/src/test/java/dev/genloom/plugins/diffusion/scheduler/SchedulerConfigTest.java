package dev.genloom.plugins.diffusion.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing scheduler_config.json: values, defaults, overrides and the errors naming key, value and file. */
class SchedulerConfigTest {
    private static final Path FILE = Path.of("/models/sd/scheduler/scheduler_config.json");

    private static SchedulerConfig parse(String json) throws Exception {
        return SchedulerConfig.parse(new ObjectMapper().readTree(json), FILE);
    }

    private static GenloomException bad(String json) {
        return assertThrows(GenloomException.class, () -> parse(json));
    }

    @Test
    void readsTheKeysAndTheClass() throws Exception {
        SchedulerConfig c = parse("{\"_class_name\": \"EulerDiscreteScheduler\", \"_diffusers_version\": \"0.21.0\","
                + " \"beta_schedule\": \"scaled_linear\", \"num_train_timesteps\": 1000.0, \"steps_offset\": 1,"
                + " \"prediction_type\": \"v_prediction\", \"trained_betas\": null, \"use_karras_sigmas\": true,"
                + " \"sample_max_value\": 1.0}");
        assertEquals(Optional.of("EulerDiscreteScheduler"), c.className());
        assertEquals(Optional.of(FILE.toString()), c.source());
        assertEquals(Optional.of(BetaSchedule.SCALED_LINEAR), c.value(ConfigKey.BETA_SCHEDULE));
        assertEquals(Optional.of(1000), c.value(ConfigKey.NUM_TRAIN_TIMESTEPS), "1000.0 is an integer");
        assertEquals(PredictionType.V_PREDICTION, c.predictionType());
        assertEquals(Optional.of(true), c.value(ConfigKey.USE_KARRAS_SIGMAS));
        assertFalse(c.has(ConfigKey.TRAINED_BETAS), "null is absent");
        assertFalse(c.has(ConfigKey.BETA_START), "absent keys take the running class's default later");
        assertEquals(List.of("sample_max_value"), c.ignoredKeys());
        assertEquals(PredictionType.EPSILON, SchedulerConfig.empty().predictionType());
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheFile() {
        GenloomException e = bad("{\"beta_schedule\": \"cosine\"}");
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("beta_schedule") && e.getMessage().contains("cosine")
                && e.getMessage().contains(FILE.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("squaredcos_cap_v2"), "says what would do: " + e.getMessage());
        assertTrue(bad("{\"prediction_type\": \"flow\"}").getMessage().contains("v_prediction"));
        assertTrue(bad("{\"num_train_timesteps\": \"1000\"}").getMessage().contains("num_train_timesteps"));
        assertTrue(bad("{\"num_train_timesteps\": 0}").getMessage().contains("\"num_train_timesteps\" = 0"));
        assertTrue(bad("{\"beta_end\": 1.5}").getMessage().contains("beta_end"));
        assertTrue(bad("{\"solver_order\": 4}").getMessage().contains("solver_order"));
        assertTrue(bad("{\"timestep_spacing\": \"even\"}").getMessage().contains("trailing"));
        assertTrue(bad("{\"use_karras_sigmas\": \"yes\"}").getMessage().contains("true or false"));
        assertTrue(bad("{\"trained_betas\": [0.1, 1.2]}").getMessage().contains("trained_betas"));
        assertTrue(bad("{\"algorithm_type\": \"unipc\"}").getMessage().contains("dpmsolver++"));
        assertTrue(bad("{\"_class_name\": 3}").getMessage().contains("_class_name"));
        assertTrue(bad("[1, 2]").getMessage().contains("not a JSON object"));
    }

    @Test
    void overridesAreCheckedLikeTheFile() throws Exception {
        SchedulerConfig c = parse("{\"prediction_type\": \"epsilon\"}");
        SchedulerConfig v = c.withPredictionType(PredictionType.V_PREDICTION);
        assertEquals(PredictionType.V_PREDICTION, v.predictionType());
        assertEquals(PredictionType.EPSILON, c.predictionType(), "a copy: the original is unchanged");
        SchedulerConfig typed = c.with("timestep_spacing", "trailing").with("steps_offset", "1")
                .with("use_karras_sigmas", "true").with("beta_end", "0.012").with("prediction_type", "null");
        assertEquals(Optional.of(TimestepSpacing.TRAILING), typed.value(ConfigKey.TIMESTEP_SPACING));
        assertEquals(Optional.of(1), typed.value(ConfigKey.STEPS_OFFSET));
        assertEquals(Optional.of(true), typed.value(ConfigKey.USE_KARRAS_SIGMAS));
        assertEquals(Optional.of(0.012), typed.value(ConfigKey.BETA_END));
        assertFalse(typed.has(ConfigKey.PREDICTION_TYPE), "null removes the key");
        GenloomException unknown = assertThrows(GenloomException.class, () -> c.with("karras", "true"));
        assertEquals(ErrorKind.INVALID_INPUT, unknown.kind());
        assertTrue(unknown.describe().contains("use_karras_sigmas"), "lists the known keys: " + unknown.describe());
        GenloomException value = assertThrows(GenloomException.class, () -> c.with("steps_offset", "one"));
        assertTrue(value.getMessage().contains("steps_offset") && value.getMessage().contains("one"), value.getMessage());
        assertThrows(GenloomException.class, () -> c.with(ConfigKey.SOLVER_ORDER, 7));
        double[] betas = {0.1, 0.2};
        SchedulerConfig b = c.with(ConfigKey.TRAINED_BETAS, betas);
        assertArrayEquals(betas, (double[]) b.value(ConfigKey.TRAINED_BETAS).orElseThrow());
    }

    @Test
    void readsAFileWithDiffusersInfinity(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("scheduler_config.json");
        Files.writeString(f, "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"lambda_min_clipped\": -Infinity,"
                + " \"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012}");
        SchedulerConfig c = SchedulerConfig.read(f);
        assertEquals(Optional.of(Double.NEGATIVE_INFINITY), c.value(ConfigKey.LAMBDA_MIN_CLIPPED));
        assertEquals(20, Schedulers.forConfig(c, 20).orElseThrow().steps());
        GenloomException missing = assertThrows(GenloomException.class,
                () -> SchedulerConfig.read(dir.resolve("none.json")));
        assertEquals(ErrorKind.IO, missing.kind());
        assertTrue(missing.getMessage().contains("none.json"));
    }

    @Test
    void emptyConfigTakesTheClassDefaults() {
        // diffusers' Euler defaults: 1000 linear betas from 0.0001 to 0.02, linspace
        EulerScheduler s = (EulerScheduler) Schedulers.create("euler", SchedulerConfig.empty(), 10);
        double p = 1;
        for (int t = 0; t < 1000; t++) {
            p *= 1 - (0.0001 + (0.02 - 0.0001) * t / 999);
        }
        assertEquals(Math.sqrt((1 - p) / p), s.sigmas()[0], 1e-6);
        assertEquals(999, s.timesteps()[0]);
        // and LCM's own: scaled linear 0.00085..0.012
        Scheduler lcm = Schedulers.create("lcm", SchedulerConfig.empty(), 4);
        float[] x = Reference.floats(1.0);
        float[] out = new float[1];
        assertEquals(Math.sqrt(Reference.sdAlphasCumprod()[259]), lcm.addNoise(x, out, 3)[0], 1e-6);
    }

    @Test
    void valuesGenloomDoesNotImplementAreRefusedWhereTheyMatter() throws Exception {
        SchedulerConfig log = parse("{\"interpolation_type\": \"log_linear\"}");
        GenloomException e = assertThrows(GenloomException.class, () -> Schedulers.create("euler", log, 20));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("interpolation_type") && e.getMessage().contains(FILE.toString()),
                e.getMessage());
        Schedulers.create("ddim", log, 20); // DDIM has no such key
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(GenloomException.class,
                () -> Schedulers.create("ddim", parse("{\"thresholding\": true}"), 20)).kind());
        GenloomException betas = assertThrows(GenloomException.class,
                () -> Schedulers.create("ddim", parse("{\"trained_betas\": [0.1, 0.2, 0.3]}"), 2));
        assertTrue(betas.getMessage().contains("num_train_timesteps"), betas.getMessage());
    }
}
