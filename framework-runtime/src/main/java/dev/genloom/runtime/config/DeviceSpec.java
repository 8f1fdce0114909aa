package dev.genloom.runtime.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A device as written in configuration: {@code auto}, {@code cpu}, {@code cuda} (GPU 0) or
 * {@code cuda:N}.
 *
 * @param kind  which kind of device
 * @param index the GPU index for {@link Kind#CUDA}; 0 otherwise
 */
public record DeviceSpec(Kind kind, int index) {

    /** The values accepted, for error messages. */
    public static final String ALLOWED = "auto, cpu, cuda, cuda:N (N = GPU index, 0, 1, ...)";

    public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, 0);
    public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, 0);

    public enum Kind { AUTO, CPU, CUDA }

    public DeviceSpec {
        if (kind == null) {
            throw new IllegalArgumentException("kind");
        }
        if (index < 0 || (kind != Kind.CUDA && index != 0)) {
            throw new IllegalArgumentException("index " + index + " for " + kind);
        }
    }

    public static DeviceSpec cuda(int index) {
        return new DeviceSpec(Kind.CUDA, index);
    }

    /** Parses a device string (case-insensitive, surrounding blanks ignored); empty if malformed. */
    public static Optional<DeviceSpec> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return Optional.of(AUTO);
            case "cpu":
                return Optional.of(CPU);
            case "cuda":
                return Optional.of(cuda(0));
            default:
                break;
        }
        if (s.startsWith("cuda:")) {
            String n = s.substring("cuda:".length());
            if (!n.isEmpty() && n.length() <= 4 && n.chars().allMatch(Character::isDigit)) {
                return Optional.of(cuda(Integer.parseInt(n)));
            }
        }
        return Optional.empty();
    }

    /** The canonical text: {@code auto}, {@code cpu} or {@code cuda:N}. */
    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case CUDA -> "cuda:" + index;
        };
    }
}
