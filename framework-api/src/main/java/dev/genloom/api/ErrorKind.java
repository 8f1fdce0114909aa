package dev.genloom.api;

/**
 * What kind of thing went wrong; every {@link GenloomException} carries one. The kind decides the
 * CLI's exit status: 2 for mistakes in what the caller gave (fix the input and try again), 1 for
 * failures while running.
 */
public enum ErrorKind {
    /** A value given by the caller is out of range, malformed or missing. */
    INVALID_INPUT(2),
    /** A pipeline document does not validate. */
    INVALID_PIPELINE(2),
    /** A model name or path resolves to no model folder. */
    MODEL_NOT_FOUND(2),
    /** A model folder matches no plugin, or its files do not fit the family that claims it. */
    MODEL_INCOMPATIBLE(2),
    /** Several plugins claim one model folder and the caller did not say which to use. */
    AMBIGUOUS_MODEL(2),
    /** The model cannot do what was asked (a modality or option it does not offer). */
    UNSUPPORTED(2),
    /** A plugin could not be loaded or misbehaved. */
    PLUGIN_FAILURE(1),
    /** The requested device could not be started. */
    DEVICE_UNAVAILABLE(1),
    /** Reading or writing a file failed. */
    IO(1),
    /** A model or pipeline step failed while running. */
    RUN_FAILED(1),
    /** Downloading a model failed: the network, the server, or a checksum that does not match. */
    DOWNLOAD_FAILED(1);

    private final int exitCode;

    ErrorKind(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit status the CLI uses for this kind of error. */
    public int exitCode() {
        return exitCode;
    }
}
