package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.config.GenloomConfig;
import dev.genloom.zoo.catalog.Catalog;
import dev.genloom.zoo.fetch.FetchListener;
import dev.genloom.zoo.fetch.FetchRequest;
import dev.genloom.zoo.fetch.FetchResult;
import dev.genloom.zoo.fetch.FetchedFile;
import dev.genloom.zoo.fetch.Fetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "fetch", description = {
    "Download a model into the cache: a catalog name (genloom models --catalog lists them) or a hub repository "
            + "id (org/name). Resumes interrupted downloads, verifies SHA-256 checksums where known, and never "
            + "leaves a half-written model folder.",
    "Access tokens for gated repositories come from the environment variable HF_TOKEN."})
final class FetchCommand implements Callable<Integer> {
    @ParentCommand
    GenloomCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|REPO", description = "catalog name or hub repository id")
    String model;

    @Option(names = "--dtype", paramLabel = "D",
            description = "dtype variant: fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4, bf16 "
                    + "(default: the configured dtype where the model has it, else fp32, else its first)")
    String dtype;

    @Option(names = "--revision", paramLabel = "R", description = "branch, tag or commit (default: the catalog's, "
            + "else main)")
    String revision;

    @Option(names = "--hub", paramLabel = "URL|DIR", description = "hub URL or mirror folder (default: $GENLOOM_HUB, "
            + "else hub: in genloom.yaml, else https://huggingface.co)")
    String hub;

    @Option(names = "--cache", paramLabel = "DIR", description = "cache folder (default: $GENLOOM_CACHE, else "
            + "<home>/cache)")
    Path cache;

    @Option(names = "--catalog", paramLabel = "FILE", description = "a catalog of your own, consulted before the "
            + "bundled one")
    Path catalog;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "give up connecting after this long (default: ${DEFAULT-VALUE})")
    double connectTimeout;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "give up when the server sends nothing for this long (default: ${DEFAULT-VALUE})")
    double readTimeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GenloomConfig config = GenloomConfig.load(root.config, System.getenv());
        Catalog cat = catalog == null ? Catalog.load() : Catalog.load(catalog).and(Catalog.load());
        Fetcher fetcher = Fetcher.builder()
                .cache(cache != null ? cache : config.cache())
                .hub(hub != null ? hub : config.hub())
                .catalog(cat)
                .token(System.getenv("HF_TOKEN"))
                .connectTimeout(seconds("--connect-timeout", connectTimeout))
                .readTimeout(seconds("--read-timeout", readTimeout))
                .preferredDtype(config.dtype().id())
                .build();
        FetchResult r;
        try (Bars bars = new Bars(root.bars(), spec.commandLine().getErr())) {
            r = fetcher.fetch(new FetchRequest(model, dtype, revision), bars);
        }
        double secs = r.elapsed().toMillis() / 1000.0;
        if (root.json()) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("name", r.name()).put("repository", r.repository()).put("revision", r.revision())
                    .put("dtype", r.dtype()).put("folder", r.folder().toString());
            ArrayNode files = node.putArray("files");
            for (FetchedFile f : r.files()) {
                files.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256())
                        .put("downloaded", f.downloaded());
            }
            node.put("bytes", r.bytes()).put("downloaded", r.downloaded()).put("seconds", secs)
                    .put("already_present", r.alreadyPresent());
            out.println(node.toPrettyString());
        } else if (r.alreadyPresent()) {
            out.println(r.name() + " is already in the cache: " + r.folder());
        } else {
            out.println("fetched " + r.name() + " (" + r.repository() + "@" + r.revision()
                    + (r.dtype() == null ? "" : ", " + r.dtype()) + ") into " + r.folder() + ": " + r.files().size()
                    + " files, " + Bars.size(r.bytes()) + ", " + Bars.size(r.downloaded()) + " downloaded in "
                    + String.format(Locale.ROOT, "%.1f s", secs));
        }
        out.flush();
        return 0;
    }

    private static Duration seconds(String option, double s) {
        if (!(s > 0) || s > 86_400) {
            throw GenloomException.invalidInput(option + " must be more than 0 and at most 86400 seconds, not " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /**
     * One progress bar for the whole download on the terminal (repository, bytes of every file, rate,
     * time left; the file under way after it); nothing otherwise.
     */
    static final class Bars implements FetchListener, AutoCloseable {
        private final ProgressBars.Factory factory;
        private final PrintWriter err;
        private ProgressBars.Bar bar;
        private long total = -1;
        private int files;
        private int file;
        private int completed;
        private String current;
        private long finished;

        Bars(ProgressBars.Factory factory, PrintWriter err) {
            this.factory = factory;
            this.err = err;
        }

        @Override
        public synchronized void waiting(String repository, Path lockFile) {
            if (factory != ProgressBars.Factory.NONE) {
                err.println("genloom: another fetch of " + repository + " is running; waiting for it");
                err.flush();
            }
        }

        @Override
        public synchronized void downloading(String repository, int files, long bytes) {
            close();
            this.total = bytes;
            this.files = files;
            bar = factory.open(repository, ProgressBars.Unit.bytes(bytes), bytes);
        }

        @Override
        public synchronized void fileStarted(String path, long size, long resumedFrom) {
            if (bar == null) {
                bar = factory.open(path, ProgressBars.Unit.bytes(-1), -1);
            }
            if (!path.equals(current)) { // a file started again (the server ignored a resume) keeps its number
                current = path;
                file++;
            }
            bar.message(files > 1 ? file + "/" + files + " " + path : path);
            bar.update(finished + Math.max(0, resumedFrom), total);
        }

        @Override
        public synchronized void progress(String path, long done, long size) {
            if (bar != null) {
                bar.update(finished + done, total);
            }
        }

        @Override
        public synchronized void fileFinished(String path, long size) {
            if (!path.equals(current)) { // there already, from an interrupted fetch
                file++;
            }
            current = null;
            finished += Math.max(0, size);
            completed++;
            if (bar != null) {
                bar.update(finished, total);
            }
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                if (total < 0 && completed == files && files > 0) {
                    bar.update(finished, finished); // the total, now that it is known
                }
                bar.close();
                bar = null;
            }
        }

        static String size(long bytes) {
            if (bytes < 1024) {
                return bytes + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB"};
            double v = bytes;
            int i = -1;
            while (v >= 1024 && i < units.length - 1) {
                v /= 1024;
                i++;
            }
            return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
        }
    }
}
