package dev.genloom.plugins.tts;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Phonemes from the {@code espeak-ng} program (Debian/Ubuntu package {@value #PACKAGE}), as
 * Piper takes them from espeak-ng's library.
 *
 * <p>Piper (piper-phonemize) calls {@code espeak_TextToPhonemesWithTerminator} with
 * {@code espeakPHONEMES_IPA} on the voice named by {@code espeak.voice}, clause by clause; it
 * appends each clause's terminating punctuation to the clause's phonemes ({@code . ? !} alone,
 * {@code , : ;} followed by a space), drops espeak's language-switch marks such as {@code (fr)},
 * and starts a new sentence where the terminator is a sentence's ({@code . ? !}). The command-line equivalent used here,
 * per clause of {@link Sentences#clauses}, text on standard input (never through a shell):
 * <pre>
 * espeak-ng -q -b 1 --ipa -v VOICE --stdin
 * </pre>
 * ({@code -q} no sound, {@code -b 1} UTF-8 input, {@code --ipa} the same IPA phoneme mode); the
 * lines it prints (one per clause espeak itself finds) are joined by a space, the clause's
 * punctuation is appended, language marks are removed, and clauses are joined by a space.
 * Differences from Piper: clauses and sentences are found by {@link Sentences} rather than by
 * espeak's own clause terminator (abbreviations and numbers espeak treats specially may split
 * differently), a clause ending in several marks ({@code ?!}) keeps them all, Piper's per-language
 * phoneme substitutions (pt-br {@code c} to {@code k}) are not applied, and Piper's own
 * espeak-ng fork is not used (Debian's release, 1.51 on bookworm, may phonemize some words
 * differently).
 *
 * <p>Every run is bounded: it is killed after the timeout and refused when it prints more than
 * the output limit.
 */
public final class EspeakPhonemizer implements Phonemizer {
    /** The package that has the program. */
    public static final String PACKAGE = "espeak-ng";
    public static final String PROGRAM = "espeak-ng";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_OUTPUT = 1 << 20;
    private static final Pattern LANGUAGE_MARK = Pattern.compile("\\([a-z]{2,3}(-[a-z0-9]+)*\\)");

    private final String program;
    private final String voice;
    private final Duration timeout;
    private final int maxOutput;

    /** espeak-ng as {@code program} (a name on the PATH or a path) speaking {@code voice} ({@code en-us}, ...). */
    public EspeakPhonemizer(String program, String voice, Duration timeout, int maxOutputBytes) {
        this.program = program;
        this.voice = voice;
        this.timeout = timeout;
        this.maxOutput = maxOutputBytes;
    }

    /** espeak-ng from the PATH with the default bounds. */
    public EspeakPhonemizer(String voice) {
        this(PROGRAM, voice, DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT);
    }

    /** The command line, without the text (which goes to standard input). */
    public List<String> command() {
        return List.of(program, "-q", "-b", "1", "--ipa", "-v", voice, "--stdin");
    }

    @Override
    public String phonemes(String sentence) {
        List<String> parts = new ArrayList<>();
        for (String clause : Sentences.clauses(sentence)) {
            String ipa = LANGUAGE_MARK.matcher(String.join(" ", run(clause).strip().split("\\s*\\R\\s*"))).replaceAll("").strip();
            if (ipa.isEmpty()) {
                continue;
            }
            parts.add(ipa + trailingPunctuation(clause));
        }
        return String.join(" ", parts);
    }

    /** The clause-ending marks Piper keeps, as they end the clause. */
    static String trailingPunctuation(String clause) {
        int end = clause.length();
        int i = end;
        while (i > 0 && ".,?!:;".indexOf(clause.charAt(i - 1)) >= 0) {
            i--;
        }
        return clause.substring(i, end);
    }

    /** espeak-ng's standard output for {@code text}. */
    String run(String text) {
        Process p;
        try {
            p = new ProcessBuilder(command()).start();
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.UNSUPPORTED, "cannot run " + program + " for the phonemes of Piper voices: "
                    + e.getMessage(), "install the " + PACKAGE + " package (Debian/Ubuntu: apt-get install " + PACKAGE
                    + "), or set the load option espeak to the program's path", e);
        }
        try {
            Thread writer = new Thread(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(text.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process ended early; its exit status says why
                }
            }, "espeak-ng-stdin");
            writer.setDaemon(true);
            writer.start();
            Bounded err = Bounded.start(p, p.getErrorStream(), 4096);
            Bounded out = Bounded.start(p, p.getInputStream(), maxOutput);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw GenloomException.runFailed(program + " did not finish within " + timeout.toMillis() + " ms", null);
            }
            byte[] phonemes = out.bytes();
            if (phonemes == null) {
                throw GenloomException.runFailed(program + " printed more than " + maxOutput + " bytes of phonemes for "
                        + text.length() + " characters of text", null);
            }
            if (p.exitValue() != 0) {
                byte[] e = err.bytes();
                throw GenloomException.runFailed(String.join(" ", command()) + " exited with status " + p.exitValue()
                        + ": " + (e == null ? "" : new String(e, StandardCharsets.UTF_8).strip()), null);
            }
            return new String(phonemes, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GenloomException.runFailed("interrupted while " + program + " ran", e);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Reads one stream of the process on a thread of its own, up to a limit past which it kills the process. */
    private static final class Bounded {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean overflow;
        private Thread thread;

        static Bounded start(Process p, InputStream s, int limit) {
            Bounded b = new Bounded();
            b.thread = new Thread(() -> b.read(p, s, limit), "espeak-ng-output");
            b.thread.setDaemon(true);
            b.thread.start();
            return b;
        }

        private void read(Process p, InputStream s, int limit) {
            byte[] buf = new byte[8192];
            try (s) {
                int n;
                while ((n = s.read(buf)) >= 0) {
                    synchronized (bytes) {
                        if (bytes.size() + n > limit) {
                            overflow = true;
                            p.destroyForcibly();
                            return;
                        }
                        bytes.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the stream closed with the process
            }
        }

        /** What was read once the stream ended, or null where it passed the limit. */
        byte[] bytes() throws InterruptedException {
            thread.join(5000);
            synchronized (bytes) {
                return overflow ? null : bytes.toByteArray();
            }
        }
    }
}
