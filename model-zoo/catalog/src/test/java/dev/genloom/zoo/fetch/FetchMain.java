package dev.genloom.zoo.fetch;

import dev.genloom.zoo.catalog.Catalog;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A child process for {@code FetcherTest}: fetches one model from a hub URL into a cache folder and
 * prints, each on a line starting {@code FETCHMAIN}, what happened with epoch-millisecond
 * timestamps. Exits 0 on success, 2 on a failure.
 *
 * <p>Arguments: {@code <cache> <hub-url> <catalog.yaml> <model>}.
 */
public final class FetchMain {
    private FetchMain() {
    }

    static void say(String what) {
        System.out.println("FETCHMAIN " + what + " " + System.currentTimeMillis());
        System.out.flush();
    }

    public static void main(String[] args) {
        try {
            say("started pid=" + ProcessHandle.current().pid());
            Fetcher f = Fetcher.builder().cache(Path.of(args[0])).hub(args[1]).catalog(Catalog.load(Path.of(args[2])))
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(40)).build();
            FetchResult r = f.fetch(FetchRequest.of(args[3]), new FetchListener() {
                @Override
                public void waiting(String repository, Path lockFile) {
                    say("waiting");
                }

                @Override
                public void fileStarted(String path, long size, long resumedFrom) {
                    say("file-started " + path);
                }
            });
            say("done downloaded=" + r.downloaded() + " alreadyPresent=" + r.alreadyPresent() + " folder="
                    + r.folder());
            System.exit(0);
        } catch (Throwable t) {
            say("failed " + t.toString().replace('\n', ' '));
            t.printStackTrace();
            System.exit(2);
        }
    }
}
