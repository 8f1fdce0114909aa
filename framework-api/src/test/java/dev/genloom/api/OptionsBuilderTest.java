package dev.genloom.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The options builders: every field set by name, checked once by the record's constructor. */
class OptionsBuilderTest {

    @Test
    void aTextBuilderSetsEveryFieldAndMatchesTheConstructor() {
        TextOptions built = TextOptions.builder().maxNewTokens(32).minNewTokens(4).doSample(true).temperature(0.7)
                .topK(40).topP(0.9).minP(0.05).repetitionPenalty(1.1).noRepeatNgramSize(3).seed(42L)
                .stop("\n\n", "END").truncatePrompt(true).build();
        assertEquals(new TextOptions(32, 4, true, 0.7, 40, 0.9, 0.05, 1.1, 3, 42L, List.of("\n\n", "END"), true),
                built);
        assertEquals(built, built.toBuilder().build());
        assertEquals(TextOptions.defaults(), TextOptions.builder().build());
        // withX is one change through the builder
        assertEquals(built.toBuilder().seed(7L).build(), built.withSeed(7L));
        assertEquals(42L, built.withMaxNewTokens(8).seed());
        assertEquals(8, built.withMaxNewTokens(8).maxNewTokens());
    }

    @Test
    void theBuilderIsCheckedOnceWhenBuilt() {
        TextOptions.Builder b = TextOptions.builder().topP(1.5);   // nothing is checked yet
        GenloomException e = assertThrows(GenloomException.class, b::build);
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("topP must be in (0, 1], got 1.5", e.getMessage());
        assertEquals("minNewTokens (9) must not exceed maxNewTokens (3)", assertThrows(GenloomException.class,
                () -> TextOptions.builder().maxNewTokens(3).minNewTokens(9).build()).getMessage());
        assertTrue(assertThrows(GenloomException.class, () -> ImageOptions.builder().size(30, 64).build())
                .getMessage().startsWith("width must be a positive multiple of 8"));
        assertEquals("count must be at least 1, got 0", assertThrows(GenloomException.class,
                () -> ImageOptions.builder().count(0).build()).getMessage());
        assertEquals("strength must be in [0, 1], got 1.5", assertThrows(GenloomException.class,
                () -> ImageToImageOptions.builder().strength(1.5).build()).getMessage());
        assertEquals("steps must be at least 1, got 0", assertThrows(GenloomException.class,
                () -> ImageToImageOptions.builder().steps(0).build()).getMessage());
        assertEquals("latents of shape [1, 4, 2, 2] need 16 values, got 3", assertThrows(GenloomException.class,
                () -> new Latents(new long[] {1, 4, 2, 2}, new float[3])).getMessage());
        assertThrows(GenloomException.class, () -> TranscriptionOptions.builder().beams(0).build());
        assertThrows(GenloomException.class, () -> SpeechOptions.builder().speed(5).build());
        assertThrows(GenloomException.class, () -> ImageToTextOptions.builder().labelTemplate("no slot").build());
    }

    @Test
    void theOtherBuildersSetTheirFields() {
        Latents noise = new Latents(new long[] {1, 4, 32, 64}, new float[4 * 32 * 64]);
        assertEquals(new ImageOptions("blurry", 512, 256, 4, 0.0, 0.7, 1L, "euler", 2, 5, noise), ImageOptions.builder()
                .negativePrompt("blurry").size(512, 256).steps(4).guidanceScale(0.0).guidanceRescale(0.7).seed(1L)
                .scheduler("euler").count(2).previewEvery(5).latents(noise).build());
        assertEquals(new ImageToImageOptions("a boat", "fog", null, 0.6, 30, 7.5, 0.0, 3L, "ddim", 0),
                ImageToImageOptions.builder().prompt("a boat").negativePrompt("fog").strength(0.6).steps(30)
                        .guidanceScale(7.5).guidanceRescale(0.0).seed(3L).scheduler("ddim").previewEvery(0).build());
        assertEquals(new TranscriptionOptions("de", TranscriptionOptions.Task.TRANSLATE, true, 5, true),
                TranscriptionOptions.builder().language("de").task(TranscriptionOptions.Task.TRANSLATE)
                        .timestamps(true).beams(5).vad(true).build());
        assertEquals(TranscriptionOptions.defaults().withBeams(3),
                TranscriptionOptions.builder().beams(3).build());
        assertEquals(new SpeechOptions(2, 1.5, 9L, 0.5, 0.7, 12.0), SpeechOptions.builder().speaker(2).speed(1.5).seed(9L)
                .noiseScale(0.5).noiseW(0.7).seconds(12.0).build());
        assertEquals("seconds must be > 0, got 0.0", assertThrows(GenloomException.class,
                () -> SpeechOptions.builder().seconds(0.0).build()).getMessage());
        assertEquals("noiseScale must be >= 0, got -1.0", assertThrows(GenloomException.class,
                () -> SpeechOptions.builder().noiseScale(-1.0).build()).getMessage());
        assertEquals(new ImageToTextOptions(List.of("a cat", "a dog"), "a photo of {}", 20),
                ImageToTextOptions.builder().labels("a cat", "a dog").labelTemplate("a photo of {}").maxNewTokens(20)
                        .build());
        assertEquals(List.of("x"), ImageToTextOptions.defaults().withLabels(List.of("x")).labels());
        assertEquals(new EmbeddingOptions(false), EmbeddingOptions.builder().normalize(false).build());
        assertEquals(EmbeddingOptions.defaults(), EmbeddingOptions.defaults().toBuilder().build());
        assertEquals(new EmbeddingOptions(true, EmbeddingOptions.Kind.QUERY, "q: "),
                EmbeddingOptions.builder().kind(EmbeddingOptions.Kind.QUERY).prefix("q: ").build());
        assertEquals(EmbeddingOptions.Kind.PASSAGE,
                EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.PASSAGE).kind());
        assertEquals(EmbeddingOptions.Kind.TEXT, new EmbeddingOptions(true, null, null).kind());
    }
}
