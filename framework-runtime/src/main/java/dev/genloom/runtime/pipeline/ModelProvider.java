package dev.genloom.runtime.pipeline;

import dev.genloom.api.Model;

/**
 * Hands out loaded models by name. A pipeline run acquires each distinct model once; the provider
 * owns the models (a run never closes them), so a provider may share them between runs.
 * {@link SharedModels} is the one that loads each model once and shares it; the {@code Genloom}
 * façade's provider is backed by one.
 */
@FunctionalInterface
public interface ModelProvider {

    /** The loaded model of this name; a GenloomException where it cannot be had. */
    Model acquire(String model);
}
