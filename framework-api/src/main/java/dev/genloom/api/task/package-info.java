/**
 * The modalities as the host's generic machinery sees them: a {@link dev.genloom.api.task.Task}
 * per modality (listed in {@link dev.genloom.api.task.Tasks}) with named, typed
 * {@link dev.genloom.api.task.Port}s of a {@link dev.genloom.api.task.ValueType}, an options
 * record bound from names and text by {@link dev.genloom.api.task.OptionBinder}, and the call
 * of the model. Pipelines and the command line's {@code run} work only through these, so that
 * adding a modality changes nothing in the host. Also the "did you mean" of mistyped names
 * ({@link dev.genloom.api.task.Suggestions}).
 */
package dev.genloom.api.task;
