package dev.genloom.runtime.media;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * FFmpeg's log, sent to SLF4J (logger {@code dev.genloom.runtime.media.ffmpeg}, at debug level)
 * instead of the process's standard error, where it would mix with the CLI's output. Errors that
 * FFmpeg reports on a thread that is inside {@link #capture} are also collected, so that the
 * decoder can tell the user that a file was damaged.
 */
final class FfmpegLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.genloom.runtime.media.ffmpeg");
    /** The errors of the decoding in progress on this thread; null outside {@link #capture}. */
    private static final ThreadLocal<List<String>> ERRORS = new ThreadLocal<>();
    /** Held here for as long as FFmpeg may call it. */
    private static volatile Callback callback;

    private FfmpegLog() {
    }

    /** Routes FFmpeg's messages to SLF4J; once per process. */
    static void install() {
        if (callback == null) {
            synchronized (FfmpegLog.class) {
                if (callback == null) {
                    Callback c = new Callback();
                    avutil.av_log_set_level(avutil.AV_LOG_WARNING);
                    avutil.setLogCallback(c);
                    callback = c;
                }
            }
        }
    }

    /** Starts collecting the errors FFmpeg reports on this thread. */
    static void capture() {
        ERRORS.set(new ArrayList<>());
    }

    /** Stops collecting; the errors reported since {@link #capture}. */
    static List<String> captured() {
        List<String> errors = ERRORS.get();
        ERRORS.remove();
        return errors == null ? List.of() : errors;
    }

    private static final class Callback extends LogCallback {
        @Override
        public void call(int level, BytePointer msg) {
            if (level > avutil.AV_LOG_WARNING) {
                return;
            }
            String line = msg.getString().strip();
            if (line.isEmpty()) {
                return;
            }
            LOG.debug("{}", line);
            if (level <= avutil.AV_LOG_ERROR) {
                List<String> errors = ERRORS.get();
                if (errors != null && errors.size() < 100) {
                    errors.add(line);
                }
            }
        }
    }
}
