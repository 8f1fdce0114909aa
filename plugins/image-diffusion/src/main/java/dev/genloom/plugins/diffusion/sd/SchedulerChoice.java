package dev.genloom.plugins.diffusion.sd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.plugins.diffusion.scheduler.Scheduler;
import dev.genloom.plugins.diffusion.scheduler.SchedulerConfig;
import dev.genloom.plugins.diffusion.scheduler.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Which scheduler a run uses: the one named by the caller ({@code --scheduler}), else the one the
 * folder's load options name, else the class of {@code scheduler_config.json}; a class Genloom does
 * not have falls back to Euler, with a warning. The folder's config (betas, prediction type,
 * spacing) is kept whatever the name.
 */
final class SchedulerChoice {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerChoice.class);
    static final String FALLBACK = "euler";

    private final SchedulerConfig config;
    /** The scheduler a run without a name uses; null: the class the folder's config names. */
    private final String folderName;

    private SchedulerChoice(SchedulerConfig config, String folderName) {
        this.config = config;
        this.folderName = folderName;
    }

    static SchedulerChoice of(JsonNode json, Path file, Defaults defaults) {
        SchedulerConfig config = SchedulerConfig.parse(json, file);
        String name = defaults.scheduler();
        if (name == null && config.className().flatMap(Schedulers::nameForClass).isEmpty()) {
            LOG.warn("{} names scheduler {}, which Genloom does not have; using {} (pick one with --scheduler: {})",
                    file, config.className().orElse("(none)"), FALLBACK, String.join(", ", Schedulers.names()));
            name = FALLBACK;
        }
        SchedulerChoice choice = new SchedulerChoice(config, name);
        choice.check(name);
        return choice;
    }

    /** The scheduler a run without a name uses, for messages. */
    String defaultName() {
        return folderName != null ? folderName : config.className().orElse(FALLBACK);
    }

    /** Refuses a name that is no scheduler, listing the names; null is the default. */
    void check(String name) {
        if (name != null) {
            Schedulers.requireName(name);
        }
    }

    /** A new scheduler for one image's run of {@code steps} steps, for an image-to-image run of this strength. */
    Scheduler create(String name, int steps, double strength) {
        String n = name != null ? name : folderName;
        if (n != null) {
            return Schedulers.create(n, config, steps, strength);
        }
        return Schedulers.forConfig(config, steps, strength).orElseThrow();
    }

    /**
     * The step an image-to-image run of this strength starts at: as diffusers computes it, or the
     * end of the run (no step: the picture's round trip) where the strength leaves no step.
     */
    static int startIndex(Scheduler s, int steps, double strength) {
        if ((int) (steps * strength) < 1) {
            return s.steps();
        }
        return Schedulers.startIndex(s, steps, strength);
    }
}
