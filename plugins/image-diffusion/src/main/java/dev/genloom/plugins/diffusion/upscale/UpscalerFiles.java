package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which ONNX file of a folder is the upscaler: the one the load option {@code file} names; else
 * {@code model.onnx} (in the folder or in {@code onnx/}, in the dtype variant the host prefers where
 * there are several, {@code model_fp16.onnx} ...); else the folder's only {@code .onnx} file.
 */
final class UpscalerFiles {
    static final String FILE_OPTION = "file";

    private UpscalerFiles() {
    }

    /** The {@code .onnx} files at the folder's top and in {@code onnx/}, relative, sorted. */
    static List<String> candidates(ModelFolder folder) {
        return folder.files().stream()
                .filter(f -> f.endsWith(".onnx") && (f.indexOf('/') < 0
                        || f.startsWith("onnx/") && f.indexOf('/', 5) < 0))
                .toList();
    }

    /** The file without load options, as recognition picks it; empty where there is none or no single one. */
    static Optional<String> pick(ModelFolder folder) {
        List<String> onnx = candidates(folder);
        for (String dir : new String[] {"", "onnx/"}) {
            if (onnx.contains(dir + "model.onnx")) {
                return Optional.of(dir + "model.onnx");
            }
        }
        return onnx.size() == 1 ? Optional.of(onnx.get(0)) : Optional.empty();
    }

    /**
     * The file to load.
     *
     * @param named the load option {@code file}, if given
     * @throws GenloomException {@code INVALID_INPUT} where the named file is missing; {@code
     *                          MODEL_INCOMPATIBLE} where the folder has no {@code .onnx} file, or
     *                          several and none is {@code model.onnx}
     */
    static Path choose(ModelFolder folder, SessionFactory sessions, Optional<String> named) {
        if (named.isPresent()) {
            Path file = folder.path().resolve(named.get()).normalize();
            if (!file.startsWith(folder.path().normalize()) || !Files.isRegularFile(file)) {
                throw GenloomException.invalidInput("load option '" + FILE_OPTION + "' names " + named.get()
                        + ", which is no file in " + folder.path() + " (it has " + candidates(folder) + ")",
                        "name one of the folder's .onnx files, relative to it");
            }
            return file;
        }
        List<String> onnx = candidates(folder);
        for (String dir : new String[] {"", "onnx/"}) {
            if (onnx.stream().anyMatch(f -> f.startsWith(dir + "model") && f.indexOf('/', dir.length()) < 0)) {
                Optional<Path> variant = sessions.variant(dir.isEmpty() ? folder.path() : folder.resolve("onnx"), "model");
                if (variant.isPresent()) {
                    return variant.get();
                }
            }
        }
        if (onnx.size() == 1) {
            return folder.resolve(onnx.get(0));
        }
        if (onnx.isEmpty()) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no .onnx file in " + folder.path()
                    + " (nor in its onnx/ folder) for the upscaler family; it has " + folder.files(),
                    "put the upscaler's ONNX export there as model.onnx");
        }
        throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, folder.path() + " has " + onnx.size()
                + " .onnx files " + onnx + " and none is model.onnx, so the upscaler family cannot tell which to load",
                "name it with the load option '" + FILE_OPTION + "' (options: {" + FILE_OPTION + ": " + onnx.get(0)
                        + "} in " + folder.path().resolve("genloom-model.yaml") + "), or keep one .onnx file there");
    }
}
