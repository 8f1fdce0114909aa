package dev.genloom.zoo.testkit.diffusion;

import java.util.Arrays;

/**
 * The block configuration of a diffusers {@code UNet2DConditionModel}, as its {@code config.json}
 * states it: one down block per entry of {@code blockOutChannels} ({@code CrossAttnDownBlock2D} where
 * {@code crossAttention} is set, else {@code DownBlock2D}), each with {@code layersPerBlock} ResNets
 * (and as many transformers) and a stride-2 downsampler except the last; the mid block
 * ({@code UNetMidBlock2DCrossAttn}: ResNet, transformer, ResNet); up blocks mirroring the down
 * blocks with {@code layersPerBlock + 1} ResNets on the concatenated skips and a nearest-2x
 * upsampler except the last.
 *
 * @param inChannels          4, or 9 for inpainting (latents, mask, masked-image latents)
 * @param heads               attention heads of every transformer (SD 1.x's {@code attention_head_dim: 8})
 * @param crossAttentionDim   width of {@code encoder_hidden_states}
 * @param timeCondDim         {@code time_cond_proj_dim} (LCM: 256), 0 for none
 * @param projectionDim       width of SDXL's {@code text_embeds}, 0 when there is no {@code text_time} addition
 * @param additionTimeEmbedDim SDXL's {@code addition_time_embed_dim} (256), the sinusoid width of each time id
 * @param sampleSize          {@code sample_size}: the native latent side
 */
public record UNetSpec(int inChannels, int[] blockOutChannels, boolean[] crossAttention, int layersPerBlock,
                       int heads, int crossAttentionDim, int groups, int timeCondDim, int projectionDim,
                       int additionTimeEmbedDim, int sampleSize) {

    /** SDXL's {@code time_ids}: original size, crop top-left, target size. */
    public static final int TIME_IDS = 6;

    /** Stable Diffusion 1.5's UNet: 859,520,964 parameters. */
    public static final UNetSpec SD15 = new UNetSpec(4, new int[] {320, 640, 1280, 1280},
            new boolean[] {true, true, true, false}, 2, 8, 768, 32, 0, 0, 0, 64);

    public UNetSpec {
        if (blockOutChannels.length == 0 || blockOutChannels.length != crossAttention.length) {
            throw new IllegalArgumentException("one cross-attention flag per block: " + Arrays.toString(blockOutChannels));
        }
        for (int c : blockOutChannels) {
            if (c % groups != 0 || c % heads != 0) {
                throw new IllegalArgumentException("block channels " + c + " must split into " + groups
                        + " groups and " + heads + " heads");
            }
        }
        if ((projectionDim > 0) != (additionTimeEmbedDim > 0) || additionTimeEmbedDim % 2 != 0) {
            throw new IllegalArgumentException("text_time needs both projection_dim and an even addition_time_embed_dim");
        }
        blockOutChannels = blockOutChannels.clone();
        crossAttention = crossAttention.clone();
    }

    @Override
    public int[] blockOutChannels() {
        return blockOutChannels.clone();
    }

    @Override
    public boolean[] crossAttention() {
        return crossAttention.clone();
    }

    public int blocks() {
        return blockOutChannels.length;
    }

    public int channels(int block) {
        return blockOutChannels[block];
    }

    public boolean attends(int block) {
        return crossAttention[block];
    }

    /** Width of the time embedding: 4x the first block's channels. */
    public int timeEmbedDim() {
        return 4 * blockOutChannels[0];
    }

    /** Whether the UNet takes SDXL's {@code text_embeds} and {@code time_ids}. */
    public boolean textTime() {
        return projectionDim > 0;
    }

    /** Spatial factor between the input and the deepest level. */
    public int downFactor() {
        return 1 << (blockOutChannels.length - 1);
    }

    public UNetSpec withInChannels(int channels) {
        return new UNetSpec(channels, blockOutChannels, crossAttention, layersPerBlock, heads, crossAttentionDim, groups,
                timeCondDim, projectionDim, additionTimeEmbedDim, sampleSize);
    }

    public UNetSpec withTimeCond(int dim) {
        return new UNetSpec(inChannels, blockOutChannels, crossAttention, layersPerBlock, heads, crossAttentionDim, groups,
                dim, projectionDim, additionTimeEmbedDim, sampleSize);
    }

    public UNetSpec withTextTime(int textEmbedsDim, int timeEmbedDim, int contextDim) {
        return new UNetSpec(inChannels, blockOutChannels, crossAttention, layersPerBlock, heads, contextDim, groups,
                timeCondDim, textEmbedsDim, timeEmbedDim, sampleSize);
    }

    public UNetSpec withSampleSize(int size) {
        return new UNetSpec(inChannels, blockOutChannels, crossAttention, layersPerBlock, heads, crossAttentionDim, groups,
                timeCondDim, projectionDim, additionTimeEmbedDim, size);
    }

    /** The same architecture with every channel count divided by {@code divisor} (heads and groups kept where they fit). */
    public UNetSpec scaledDown(int divisor, int newGroups, int newHeads, int newContextDim) {
        int[] ch = new int[blockOutChannels.length];
        for (int i = 0; i < ch.length; i++) {
            ch[i] = blockOutChannels[i] / divisor;
        }
        return new UNetSpec(inChannels, ch, crossAttention, layersPerBlock, newHeads, newContextDim, newGroups,
                timeCondDim, projectionDim, additionTimeEmbedDim, sampleSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetSpec u && inChannels == u.inChannels && Arrays.equals(blockOutChannels, u.blockOutChannels)
                && Arrays.equals(crossAttention, u.crossAttention) && layersPerBlock == u.layersPerBlock && heads == u.heads
                && crossAttentionDim == u.crossAttentionDim && groups == u.groups && timeCondDim == u.timeCondDim
                && projectionDim == u.projectionDim && additionTimeEmbedDim == u.additionTimeEmbedDim
                && sampleSize == u.sampleSize;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blockOutChannels) * 31 + Arrays.hashCode(crossAttention) * 17 + inChannels + crossAttentionDim;
    }

    @Override
    public String toString() {
        return "UNetSpec[in " + inChannels + ", blocks " + Arrays.toString(blockOutChannels) + ", attention "
                + Arrays.toString(crossAttention) + ", layers " + layersPerBlock + ", heads " + heads + ", context "
                + crossAttentionDim + ", groups " + groups + ", time_cond " + timeCondDim + ", text_embeds " + projectionDim + "]";
    }
}
