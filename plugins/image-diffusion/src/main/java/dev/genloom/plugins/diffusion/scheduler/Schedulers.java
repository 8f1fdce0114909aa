package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The schedulers by name, and the runs of a model folder's {@code scheduler_config.json}.
 *
 * <p>Names: {@code pndm}, {@code ddim}, {@code euler}, {@code euler-a}, {@code lms},
 * {@code dpm++2m}, {@code dpm++2m-karras}, {@code lcm}; case, {@code -}, {@code _} and spaces do
 * not matter, {@code dpmpp} stands for {@code dpm++}, and a few other spellings are accepted
 * ({@code euler_a}, {@code k_lms}, {@code plms}, {@code dpm++ 2m karras}, the diffusers class names).
 *
 * <p>A run made by name keeps what the folder's config says about the model (betas, prediction
 * type, timestep spacing, steps offset...) and takes the named scheduler's defaults for the rest,
 * as diffusers' {@code OtherScheduler.from_config(pipe.scheduler.config)} does: the keys the file
 * leaves out first take the defaults of the file's own {@code _class_name}. {@code dpm++2m-karras}
 * switches {@code use_karras_sigmas} on, {@code dpm++2m} off.
 */
public final class Schedulers {

    private Schedulers() {
    }

    /** Every scheduler name, in a fixed order. */
    public static List<String> names() {
        return Arrays.stream(SchedulerKind.values()).map(SchedulerKind::schedulerName).collect(Collectors.toList());
    }

    /** What the named scheduler is, in a few words (for help texts). */
    public static String describe(String name) {
        return kind(name).description();
    }

    /** The name a user's spelling stands for, if it names a scheduler. */
    public static Optional<String> canonicalName(String spelling) {
        return spelling == null ? Optional.empty() : SchedulerKind.named(spelling).map(SchedulerKind::schedulerName);
    }

    /**
     * Refuses a name that is no scheduler (before any run is made).
     *
     * @throws GenloomException {@link ErrorKind#INVALID_INPUT} listing every name
     */
    public static void requireName(String name) {
        kind(name);
    }

    /** The scheduler name that runs a diffusers class ({@code EulerDiscreteScheduler} gives {@code euler}), if Genloom has it. */
    public static Optional<String> nameForClass(String className) {
        return SchedulerKind.ofClass(className).map(SchedulerKind::schedulerName);
    }

    /**
     * A text-to-image run of the named scheduler on the folder's config.
     *
     * @throws GenloomException {@link ErrorKind#INVALID_INPUT} for an unknown name (the message lists
     *     every name), steps below 1 or above the training timesteps, or a bad config value;
     *     {@link ErrorKind#UNSUPPORTED} for a config value Genloom does not implement for it
     */
    public static Scheduler create(String name, SchedulerConfig cfg, int steps) {
        return create(name, cfg, steps, 1.0);
    }

    /**
     * A run of the named scheduler for an image-to-image run of the given strength: the same as
     * {@link #create(String, SchedulerConfig, int)} except for {@code lcm}, whose timesteps depend
     * on the strength (see {@link #startIndex}).
     */
    public static Scheduler create(String name, SchedulerConfig cfg, int steps, double strength) {
        checkStrength(strength);
        return make(kind(name), cfg, steps, strength);
    }

    /**
     * The run of the scheduler the folder's config names ({@code _class_name}): PNDMScheduler,
     * DDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, LMSDiscreteScheduler,
     * DPMSolverMultistepScheduler (karras or not, as the file says) or LCMScheduler. Empty where
     * the file names no class or one Genloom does not have: the caller then falls back to
     * {@code euler} (with a warning naming {@link SchedulerConfig#className()}).
     */
    public static Optional<Scheduler> forConfig(SchedulerConfig cfg, int steps) {
        return forConfig(cfg, steps, 1.0);
    }

    /** {@link #forConfig(SchedulerConfig, int)} for an image-to-image run of the given strength. */
    public static Optional<Scheduler> forConfig(SchedulerConfig cfg, int steps, double strength) {
        checkStrength(strength);
        return cfg.className().flatMap(SchedulerKind::ofClass).map(k -> {
            if (k == SchedulerKind.DPM_2M && cfg.value(ConfigKey.USE_KARRAS_SIGMAS).orElse(false).equals(true)) {
                return make(SchedulerKind.DPM_2M_KARRAS, cfg, steps, strength);
            }
            return make(k, cfg, steps, strength);
        });
    }

    /**
     * Where an image-to-image run of {@code steps} steps and this strength starts, as diffusers'
     * img2img pipelines compute it: {@code init = min(int(steps * strength), steps)},
     * {@code start = max(steps - init, 0)} times the scheduler's order (1 for all of Genloom's, as
     * in diffusers, PNDM and DPM-Solver included). The caller noises its clean latents with
     * {@code addNoise(latents, noise, start)} and steps from {@code start} to
     * {@code scheduler.steps() - 1}. For PNDM with skip_prk_steps the start indexes its
     * {@code steps + 1} timesteps, as diffusers does. An {@code lcm} run instead takes the
     * strength when it is made ({@link #create(String, SchedulerConfig, int, double)}) and starts
     * at 0.
     *
     * @param scheduler the run, made for {@code steps} steps (and, for lcm, this strength)
     * @throws GenloomException {@link ErrorKind#INVALID_INPUT} for a strength outside [0, 1] or so
     *     low that no step would run; {@link ErrorKind#UNSUPPORTED} for PNDM with its Runge-Kutta
     *     warm-up, which only starts at 0
     */
    public static int startIndex(Scheduler scheduler, int steps, double strength) {
        checkStrength(strength);
        int init = Math.min((int) (steps * strength), steps);
        if (init < 1) {
            throw GenloomException.invalidInput("A strength of " + strength + " at " + steps
                    + " steps leaves no denoising step to run", "Raise the strength or the number of steps");
        }
        if (scheduler instanceof LcmScheduler) {
            if (((LcmScheduler) scheduler).strength() != strength) {
                throw new IllegalArgumentException("an lcm run for strength " + strength + " must be made with "
                        + "Schedulers.create(name, cfg, steps, " + strength + "), not for strength "
                        + ((LcmScheduler) scheduler).strength());
            }
            return 0;
        }
        int start = Math.max(steps - init, 0);
        if (start > 0 && scheduler instanceof PndmScheduler && ((PndmScheduler) scheduler).rungeKutta()) {
            throw GenloomException.unsupported("The pndm scheduler with \"skip_prk_steps\" false cannot start an "
                    + "image-to-image run part way (its Runge-Kutta warm-up covers the first steps)",
                    "Use another scheduler (ddim, euler, dpm++2m) or set skip_prk_steps to true");
        }
        if (start >= scheduler.steps()) {
            throw new IllegalArgumentException("a run of " + scheduler.steps() + " timesteps was not made for "
                    + steps + " steps");
        }
        return start;
    }

    private static Scheduler make(SchedulerKind kind, SchedulerConfig cfg, int steps, double strength) {
        SchedulerConfig resolved = cfg;
        Optional<SchedulerKind> folder = cfg.className().flatMap(SchedulerKind::ofClass);
        if (folder.isPresent()) {
            resolved = resolved.withDefaults(folder.get().defaults());
        }
        resolved = resolved.withDefaults(kind.defaults());
        if (kind == SchedulerKind.DPM_2M || kind == SchedulerKind.DPM_2M_KARRAS) {
            resolved = resolved.withKarrasSigmas(kind == SchedulerKind.DPM_2M_KARRAS);
        }
        if (steps < 1) {
            throw GenloomException.invalidInput("A diffusion run needs at least 1 step, not " + steps,
                    "Give a positive number of steps");
        }
        return kind.create(resolved.withClassName(kind.className()), steps, strength);
    }

    private static SchedulerKind kind(String name) {
        return SchedulerKind.named(name == null ? "" : name).orElseThrow(() -> GenloomException.invalidInput(
                "Unknown scheduler \"" + name + "\"; the schedulers are " + String.join(", ", names()),
                "Pick one of them (case, -, _ and spaces do not matter)"));
    }

    private static void checkStrength(double strength) {
        if (!(strength >= 0 && strength <= 1)) {
            throw GenloomException.invalidInput("The image-to-image strength must be from 0 to 1, not " + strength,
                    "Give a strength such as 0.75");
        }
    }
}
