package dev.genloom.runtime;

import java.util.function.Supplier;

/** A value made on first use, once, even when several threads ask at the same time. */
final class Lazy<T> {
    private final Supplier<T> make;
    private volatile T value;

    Lazy(Supplier<T> make) {
        this.make = make;
    }

    T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = make.get();
                    value = v;
                }
            }
        }
        return v;
    }

    /** The value if it was made, else null (nothing is made). */
    T ifMade() {
        return value;
    }
}
