package dev.genloom.plugins.tts;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The espeak-ng program for tests, run independently of the plugin (text as an argument). */
final class Espeak {
    private static Boolean available;

    private Espeak() {
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    /** Skips the test, saying why, where espeak-ng is not installed. */
    static void assume() {
        Assumptions.assumeTrue(available(), "espeak-ng is not installed: install the Debian/Ubuntu package espeak-ng"
                + " (apt-get install espeak-ng) to run the tests that phonemize with it");
    }

    /** The lines espeak-ng prints for {@code text}: {@code espeak-ng -q --ipa -v VOICE TEXT}. */
    static List<String> ipaLines(String voice, String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("espeak-ng", "-q", "--ipa", "-v", voice, text).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }
}
