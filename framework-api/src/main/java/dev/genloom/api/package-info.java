/**
 * The user face of Genloom: what a product codes against to run models.
 *
 * <ul>
 *   <li>The modalities, one plain interface each, all extending {@link dev.genloom.api.Model}:
 *       {@link dev.genloom.api.TextToText}, {@link dev.genloom.api.TextToImage},
 *       {@link dev.genloom.api.ImageToImage},
 *       {@link dev.genloom.api.SpeechToText}, {@link dev.genloom.api.ImageToText},
 *       {@link dev.genloom.api.TextToAudio}, and the embedding capabilities
 *       {@link dev.genloom.api.TextEmbedder} and {@link dev.genloom.api.ImageEmbedder}. One loaded
 *       model may implement several.</li>
 *   <li>An options record per modality ({@link dev.genloom.api.TextOptions},
 *       {@link dev.genloom.api.ImageOptions}, {@link dev.genloom.api.ImageToImageOptions},
 *       {@link dev.genloom.api.TranscriptionOptions},
 *       {@link dev.genloom.api.ImageToTextOptions}, {@link dev.genloom.api.SpeechOptions},
 *       {@link dev.genloom.api.EmbeddingOptions}): immutable, {@code defaults()} to start from,
 *       {@code builder()} / {@code toBuilder()} to change fields, checked in one place, the
 *       record's constructor.</li>
 *   <li>The values that come back: {@link dev.genloom.api.Generation},
 *       {@link dev.genloom.api.Transcript} and its {@link dev.genloom.api.Segment}s,
 *       {@link dev.genloom.api.ImageText} with its {@link dev.genloom.api.Labels} and
 *       {@link dev.genloom.api.TextRegion}s,
 *       {@link dev.genloom.api.Embedding}, {@link dev.genloom.api.Latents}; and the listeners that follow long work as it goes
 *       ({@link dev.genloom.api.TokenListener}, {@link dev.genloom.api.StepListener} with its
 *       {@link dev.genloom.api.DenoisingStep}s,
 *       {@link dev.genloom.api.SegmentListener}).</li>
 *   <li>The one exception type, {@link dev.genloom.api.GenloomException}, with an
 *       {@link dev.genloom.api.ErrorKind} and a hint of what to do.</li>
 * </ul>
 *
 * Media values (images, audio) are in {@link dev.genloom.api.media}; the generic view of the
 * modalities that pipelines and the command line use is in {@link dev.genloom.api.task}. Nothing
 * here names ONNX Runtime.
 */
package dev.genloom.api;
