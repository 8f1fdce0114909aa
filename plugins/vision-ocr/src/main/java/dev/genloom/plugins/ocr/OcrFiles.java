package dev.genloom.plugins.ocr;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The files of a PaddleOCR PP-OCR export, as PaddleOCR and RapidOCR ship them: the detector
 * ({@code *det*.onnx}, for example {@code ch_PP-OCRv4_det_infer.onnx}), the recogniser
 * ({@code *rec*.onnx}), the optional direction classifier ({@code *cls*.onnx}) and the key list
 * ({@code *keys*.txt} or {@code *dict*.txt}). The load options {@code det_model},
 * {@code rec_model}, {@code cls_model} and {@code keys} name them instead (relative to the folder).
 *
 * @param detection  the detector
 * @param recognition the recogniser
 * @param classifier the direction classifier, or null
 * @param keys       the key list
 */
record OcrFiles(Path detection, Path recognition, Path classifier, Path keys) {

    /** The first file of the folder that looks like the part: {@code det}, {@code rec}, {@code cls} or {@code keys}. */
    static Optional<String> find(ModelFolder folder, String part) {
        Predicate<String> name = switch (part) {
            case "det" -> f -> onnx(f) && stem(f).contains("det");
            case "rec" -> f -> onnx(f) && stem(f).contains("rec");
            case "cls" -> f -> onnx(f) && stem(f).contains("cls");
            default -> f -> f.toLowerCase(Locale.ROOT).endsWith(".txt")
                    && (stem(f).contains("keys") || stem(f).contains("dict"));
        };
        return folder.files().stream().filter(name).findFirst();
    }

    /** Why the folder is a PP-OCR export, or empty. */
    static Optional<String> recognize(ModelFolder folder) {
        Optional<String> det = find(folder, "det");
        Optional<String> rec = find(folder, "rec");
        Optional<String> keys = find(folder, "keys");
        if (det.isEmpty() || rec.isEmpty() || keys.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("PP-OCR files " + det.get() + ", " + rec.get() + ", " + keys.get());
    }

    /**
     * The files to load.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} naming the file that is missing
     */
    static OcrFiles of(ModelContext ctx) {
        ModelFolder folder = ctx.folder();
        Path det = file(ctx, "det_model", "det", "the text detector (a *det*.onnx file)");
        Path rec = file(ctx, "rec_model", "rec", "the text recogniser (a *rec*.onnx file)");
        Path keys = file(ctx, "keys", "keys", "the key list (a *keys*.txt or *dict*.txt file)");
        Optional<String> clsOption = ctx.option("cls_model", String.class);
        Path cls = clsOption.isPresent() ? named(folder, "cls_model", clsOption.get())
                : find(folder, "cls").map(folder::resolve).orElse(null);
        return new OcrFiles(det, rec, cls, keys);
    }

    private static Path file(ModelContext ctx, String option, String part, String what) {
        ModelFolder folder = ctx.folder();
        Optional<String> given = ctx.option(option, String.class);
        if (given.isPresent()) {
            return named(folder, option, given.get());
        }
        return find(folder, part).map(folder::resolve).orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_INCOMPATIBLE, "the OCR model " + folder.path() + " has no " + what + "; it has "
                + list(folder.files()), "name the file with the load option " + option + " in genloom-model.yaml"));
    }

    private static Path named(ModelFolder folder, String option, String file) {
        if (!folder.has(file)) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "load option " + option + " names " + file
                    + ", which is not in " + folder.path() + " (it has " + list(folder.files()) + ")",
                    "give the file's path relative to the model folder");
        }
        return folder.resolve(file);
    }

    private static String list(List<String> files) {
        return files.isEmpty() ? "no files" : String.join(", ", files.size() > 12 ? files.subList(0, 12) : files)
                + (files.size() > 12 ? ", ..." : "");
    }

    private static boolean onnx(String f) {
        return f.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    private static String stem(String f) {
        String name = f.substring(f.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
