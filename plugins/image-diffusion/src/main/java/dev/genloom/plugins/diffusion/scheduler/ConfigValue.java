package dev.genloom.plugins.diffusion.scheduler;

/** A value of a scheduler config key that is a word: how it is spelled in {@code scheduler_config.json}. */
public interface ConfigValue {

    /** The spelling in the JSON file. */
    String json();
}
