package dev.genloom.runtime.pipeline;

import dev.genloom.api.Model;

/**
 * Hands out loaded models by name. A pipeline run acquires each distinct model once; the provider
 * owns the models (a run never closes them), so a provider may share them between runs.
 */
@FunctionalInterface
public interface ModelProvider {

    /** The loaded model of this name; a GenloomException where it cannot be had. */
    Model acquire(String model);
}
