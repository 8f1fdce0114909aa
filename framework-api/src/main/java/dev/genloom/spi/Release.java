package dev.genloom.spi;

/**
 * Releasing what a failed load had opened: the sessions and tokenizers a model would have owned,
 * closed in order, so that the load's own error is what the caller sees, with any failure to close
 * attached to it as suppressed.
 *
 * <pre>{@code
 * try {
 *     ...
 *     return new MyModel(session, tokenizer);
 * } catch (RuntimeException e) {
 *     throw Release.after(e, tokenizer, session);
 * }
 * }</pre>
 */
public final class Release {
    private Release() {
    }

    /**
     * Closes each resource that is not null, attaching what closing throws to {@code failure}.
     *
     * @return {@code failure}, to be thrown
     */
    public static <E extends Throwable> E after(E failure, AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception closing) {
                    failure.addSuppressed(closing);
                }
            }
        }
        return failure;
    }
}
