package dev.genloom.plugins.diffusion.scheduler;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A diffusers scheduler class's defaults for the keys it reads: those all classes share
 * (1000 linear betas from 0.0001 to 0.02, epsilon prediction, no steps offset) and its own.
 */
final class Defaults {

    private Defaults() {
    }

    /** The shared defaults plus the class's own, given as key, value, key, value... */
    static Map<ConfigKey, Object> of(Object... keysAndValues) {
        Map<ConfigKey, Object> m = new EnumMap<>(ConfigKey.class);
        m.put(ConfigKey.NUM_TRAIN_TIMESTEPS, 1000);
        m.put(ConfigKey.BETA_START, 0.0001);
        m.put(ConfigKey.BETA_END, 0.02);
        m.put(ConfigKey.BETA_SCHEDULE, BetaSchedule.LINEAR);
        m.put(ConfigKey.PREDICTION_TYPE, PredictionType.EPSILON);
        m.put(ConfigKey.STEPS_OFFSET, 0);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((ConfigKey) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
