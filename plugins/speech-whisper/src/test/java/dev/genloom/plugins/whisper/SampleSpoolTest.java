package dev.genloom.plugins.whisper;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleSpoolTest {

    @Test
    void samplesAppendedInBlocksOfAnySizeReadBackByAnyRangeAndTheFileGoesOnClose() {
        Random random = new Random(11);
        float[] all = new float[100_003]; // several of the spool's write blocks, and a remainder
        for (int i = 0; i < all.length; i++) {
            all[i] = random.nextFloat() * 2 - 1;
        }
        Path file;
        try (SampleSpool spool = SampleSpool.create()) {
            file = spool.file();
            for (int at = 0; at < all.length; ) {
                int n = Math.min(1 + random.nextInt(20_000), all.length - at);
                spool.append(all, at, n);
                at += n;
                assertEquals(at, spool.length());
                // a read between appends sees what is there so far, written or still buffered
                float[] last = new float[Math.min(at, 50)];
                spool.read(at - last.length, last, 0, last.length);
                assertArrayEquals(Arrays.copyOfRange(all, at - last.length, at), last);
            }
            for (int k = 0; k < 20; k++) {
                int start = random.nextInt(all.length);
                int length = random.nextInt(all.length - start + 1);
                float[] into = new float[length + 3];
                spool.read(start, into, 3, length);
                assertArrayEquals(Arrays.copyOfRange(all, start, start + length), Arrays.copyOfRange(into, 3, 3 + length));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> spool.read(all.length - 1, new float[2], 0, 2));
        }
        assertFalse(Files.exists(file), "the temporary file is deleted on close");
    }
}
