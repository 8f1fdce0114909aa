package dev.genloom.plugins.diffusion.scheduler;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The schedulers Genloom has: each one's name, the diffusers class it stands for, its defaults,
 * the other spellings users type, and how to make a run of it.
 */
enum SchedulerKind {
    PNDM("pndm", "PLMS, the pseudo linear multistep sampler (Stable Diffusion 1.x's default)",
            PndmScheduler.CLASS, PndmScheduler.DEFAULTS, "plms", "k_plms"),
    DDIM("ddim", "DDIM, deterministic (eta 0)", DdimScheduler.CLASS, DdimScheduler.DEFAULTS),
    EULER("euler", "Euler on the probability-flow ODE", EulerScheduler.CLASS, EulerScheduler.DEFAULTS,
            "k_euler", "euler_discrete", "euler discrete"),
    EULER_A("euler-a", "Euler ancestral: Euler plus fresh noise each step (seeded)",
            EulerAncestralScheduler.CLASS, EulerAncestralScheduler.DEFAULTS,
            "euler_a", "euler a", "euler-ancestral", "euler_ancestral", "euler ancestral", "k_euler_a",
            "k_euler_ancestral"),
    LMS("lms", "linear multistep of order 4", LmsScheduler.CLASS, LmsScheduler.DEFAULTS, "k_lms"),
    DPM_2M("dpm++2m", "DPM-Solver++ 2M, second-order multistep", DpmSolverMultistepScheduler.CLASS,
            DpmSolverMultistepScheduler.DEFAULTS, "dpmpp_2m", "dpmpp2m", "dpm++ 2m", "dpm++_2m", "k_dpmpp_2m",
            "dpmsolver++", "dpm-solver++"),
    DPM_2M_KARRAS("dpm++2m-karras", "DPM-Solver++ 2M on Karras sigmas", DpmSolverMultistepScheduler.CLASS,
            DpmSolverMultistepScheduler.DEFAULTS, "dpmpp_2m_karras", "dpmpp2m_karras", "dpm++ 2m karras",
            "dpm++_2m_karras", "k_dpmpp_2m_karras", "dpm++2m karras"),
    LCM("lcm", "latent consistency sampling, for LCM-distilled models (2 to 8 steps)", LcmScheduler.CLASS,
            LcmScheduler.DEFAULTS);

    private final String name;
    private final String description;
    private final String className;
    private final Map<ConfigKey, Object> defaults;
    private final List<String> aliases;

    SchedulerKind(String name, String description, String className, Map<ConfigKey, Object> defaults,
                  String... aliases) {
        this.name = name;
        this.description = description;
        this.className = className;
        this.defaults = defaults;
        this.aliases = List.of(aliases);
    }

    String schedulerName() {
        return name;
    }

    String description() {
        return description;
    }

    String className() {
        return className;
    }

    Map<ConfigKey, Object> defaults() {
        return defaults;
    }

    /** The kind a user's spelling names: its name, an alias or its diffusers class, in any case, with -, _ or spaces. */
    static Optional<SchedulerKind> named(String spelling) {
        String key = normal(spelling);
        return Arrays.stream(values())
                .filter(k -> normal(k.name).equals(key) || k.aliases.stream().anyMatch(a -> normal(a).equals(key))
                        || (k != DPM_2M_KARRAS && normal(k.className).equals(key)))
                .findFirst();
    }

    /** The kind that runs a diffusers class. */
    static Optional<SchedulerKind> ofClass(String className) {
        return Arrays.stream(values()).filter(k -> k != DPM_2M_KARRAS && k.className.equals(className)).findFirst();
    }

    private static String normal(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "").replace("dpmpp", "dpm++");
    }

    /** A run of this kind on a config already resolved with its defaults. */
    Scheduler create(SchedulerConfig cfg, int steps, double strength) {
        switch (this) {
            case PNDM:
                return PndmScheduler.create(cfg, steps);
            case DDIM:
                return DdimScheduler.create(cfg, steps);
            case EULER:
                return EulerScheduler.create(cfg, steps);
            case EULER_A:
                return EulerAncestralScheduler.create(cfg, steps);
            case LMS:
                return LmsScheduler.create(cfg, steps);
            case DPM_2M:
            case DPM_2M_KARRAS:
                return DpmSolverMultistepScheduler.create(cfg, steps);
            case LCM:
                return LcmScheduler.create(cfg, steps, strength);
            default:
                throw new IllegalStateException(name);
        }
    }
}
